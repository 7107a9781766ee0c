/**
 * What both sides of the SMTP wire share: the reply model with RFC 3463 enhanced status codes,
 * command-line parsing, mailbox and path syntax (RFC 5321, RFC 6531), and the DATA transparency
 * rules (dot-stuffing on the way out, dot-unstuffing and end-of-data detection on the way in), what
 * a message's content may not hold whichever door it came in by (a NUL octet, more Received fields
 * than the hop limit: {@link io.hermod.smtp.ContentScreen}), and the SASL encoding of AUTH (RFC 4954).
 *
 * <p>Nothing here touches a socket or a Vert.x type: the intake listener and the outbound client
 * feed bytes in and take replies, addresses and body bytes out, so every rule is unit-testable and
 * the two directions can never disagree on what a line or an address is.
 */
package io.hermod.smtp;
