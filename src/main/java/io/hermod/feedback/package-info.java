/**
 * What comes back after delivery: bounces that arrive later by mail (RFC 3464 DSNs) and complaint
 * reports from mailbox providers' feedback loops (RFC 5965 ARF), sent to the domains of
 * {@code inbound.domains}, which Hermod consumes instead of relaying.
 *
 * <p>Intake hands every message for those domains, at most {@code inbound.max_size} octets, to
 * {@link io.hermod.feedback.InboundReports} (an {@code intake.InboundMail}). It is parsed with a
 * real MIME parser ({@link io.hermod.feedback.ReportParser}, Angus Mail) and matched to the message
 * it is about ({@link io.hermod.feedback.ReportMatcher}) through the two references Hermod hands
 * out ({@link io.hermod.feedback.References}): the VERP return path of {@code delivery.return_path}
 * ({@link io.hermod.feedback.ReturnPaths}, the outbound MAIL FROM) and the {@code X-Hermod-Ref}
 * header added at acceptance, both HMAC-protected with {@code feedback.secret}. The references
 * carry what an event needs (message id, recipient or its tag, sender domain), so a report is
 * matched long after the message left the spool.
 *
 * <p>What it promises intake: a matched DSN becomes one {@code OOB} event per recipient it reports
 * on, classified with the bounce {@code Classifier}; a feedback report becomes a {@code Feedback}
 * event naming the original recipient; anything else (no report, no reference, a reference that
 * does not verify) becomes one {@code Unparsed} event with the message's headers, and changes
 * nothing else. With {@code suppression.enabled}, a failed DSN of an unknown or inactive recipient
 * and a complaint add a suppression entry ({@code bounce.SuppressionPolicy}). {@code consume}
 * completes only once the entries are durable and the events written to the event log file, so
 * the client's 250 means the report is on record. Nothing here runs on an event loop.
 */
package io.hermod.feedback;
