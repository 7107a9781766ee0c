/**
 * The SMTP intake: a listener verticle per event loop serving every configured role — relay
 * ({@code smtp.listen}), submission with STARTTLS ({@code submission.listen}) and submission over
 * implicit TLS ({@code submissions.listen}) — each connection driven by one
 * {@link io.hermod.intake.SmtpSession}, a plain state machine that a unit test can drive without a
 * network.
 *
 * <p>A session answers every command in order, also when the client pipelines (RFC 2920): input
 * is processed line by line, replies for one input burst go out in one write, and while the spool
 * commits a message (or a password is checked) the session stops reading, so nothing that follows
 * is reordered or lost. STARTTLS drops whatever followed it in plain text and starts the session
 * over; AUTH is taken over TLS only, checked against the bcrypt user file off the event loop, and
 * an authenticated user may relay as its own senders only. It promises the queue layer that a
 * message it hands over is committed to the spool, and the client that {@code 250} after
 * end-of-DATA means exactly that.
 *
 * <p>Message bodies are received within the process's memory budget ({@code smtp.max_buffered_bytes},
 * shared with HTTP injection): a session reserves before it buffers, stops reading while the budget
 * is full, and answers {@code 451 4.3.1} when it stays full, so many sessions can slow intake down but
 * never run the heap out.
 */
package io.hermod.intake;
