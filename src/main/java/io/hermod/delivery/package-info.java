/**
 * Outbound SMTP: the client that carries a message to its next hop, the per-destination
 * connection pools, and the classification of every reply per recipient.
 *
 * <p>{@link io.hermod.delivery.OutboundConnection} speaks the protocol on a Vert.x
 * {@code NetSocket}: greeting, EHLO (HELO when EHLO is refused), then per message MAIL, RCPT for
 * each recipient and DATA, written as one packet when the server offers PIPELINING (RFC 2920)
 * and one command at a time when it does not. The body is streamed from the spool chunk by chunk,
 * dot-stuffed on the way. Every step has its own timeout (RFC 5321 4.5.3.2) and every failure
 * names the step ("lost connection with 127.0.0.1:2526 while sending end of data").
 *
 * <p>TLS ({@code StartTls}): STARTTLS whenever the next hop offers it, with no certificate check
 * and a plain-text retry of the same host when the handshake breaks (RFC 7435); for
 * {@code delivery.tls.required_domains} the certificate and host name are verified and a next hop
 * without TLS gets no mail: its messages are deferred with {@code 451 4.7.5}. What is checked is
 * the {@code NetClient}'s business: the pool of a destination that requires TLS must be given one
 * that trusts the JVM's certificate authorities and verifies host names ("HTTPS"), the others one
 * that trusts all. A transaction's remote carries the TLS protocol and cipher, for the event log.
 *
 * <p>It promises the queue one typed {@link io.hermod.delivery.Outcome} per recipient: the
 * server's {@link io.hermod.smtp.Reply} and the step it answered, a local
 * {@link io.hermod.delivery.Failure} (DNS, connect, timeout, TLS, lost connection, protocol, spool
 * read, policy) with its step and RFC 3463 status, or "unsent" (over
 * {@code delivery.max_recipients_per_transaction}, a {@code 452} after others were accepted, a
 * cached connection the server had closed) for the next transaction at once. It says whether the
 * whole destination should be backed off (no connection could be had, or a fresh connection got
 * 421). Nothing downstream reads a reply back out of text. A connection whose server sends more
 * replies than it was asked for is closed and never reused, so a stale reply never answers the
 * next message. This package never imports {@code queue}.
 */
package io.hermod.delivery;
