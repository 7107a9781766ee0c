/**
 * Delivery status notifications: the report Hermod mails back to an envelope sender when a
 * recipient bounced (a 5xx reply, or expiry after {@code queue.max_age}) or, once, when delivery
 * has been delayed for {@code queue.delay_warning}.
 *
 * <p>{@link io.hermod.bounce.DsnBuilder} turns a spooled {@link io.hermod.spool.Envelope}, the
 * {@link io.hermod.bounce.FailedRecipient}s it is about and the original header section into one
 * complete RFC 5322 message: a {@code multipart/report; report-type=delivery-status} (RFC 6522)
 * with a short explanation for people, the machine-readable {@code message/delivery-status} of
 * RFC 3464 (one field group per recipient, a non-ASCII address in the {@code utf-8} type of
 * RFC 6533) and the original headers as {@code text/rfc822-headers}. It is marked
 * {@code Auto-Submitted: auto-replied} (RFC 3834) so that vacation responders and other robots
 * leave it alone. It promises the queue a report that is valid whatever the input: CRLF line
 * endings only, no line over 998 octets, a boundary that occurs nowhere in the content, and no
 * exception for empty headers, long or multi-line diagnostics or odd characters. The report is
 * 7-bit except where 8-bit octets are copied from the original header section or the sender's
 * address; the queue sends it from the null sender {@code <>} and never reports on a message
 * whose own sender was null.
 *
 * <p>{@link io.hermod.bounce.Classifier} puts every deferral and bounce into a
 * {@link io.hermod.bounce.BounceCategory} by ordered rules over the typed outcome (reply code,
 * enhanced status, text, local failure kind, step): the operator's {@code bounce.rules} first, then
 * the table shipped beside it ({@code rules.txt}). It never fails: an outcome no rule matches is
 * {@code uncategorized}.
 */
package io.hermod.bounce;
