/**
 * The SMTP intake: a listener verticle per event loop on {@code smtp.listen}, each connection
 * driven by one {@link io.hermod.intake.SmtpSession}, a plain state machine that a unit test can
 * drive without a network.
 *
 * <p>A session answers every command in order, also when the client pipelines (RFC 2920): input
 * is processed line by line, replies for one input burst go out in one write, and while the spool
 * commits a message the session stops reading, so nothing that follows the end of DATA is
 * reordered or lost. It promises the queue layer that a message it hands over is committed to the
 * spool, and the client that {@code 250} after end-of-DATA means exactly that.
 */
package io.hermod.intake;
