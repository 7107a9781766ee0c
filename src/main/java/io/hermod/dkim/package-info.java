/**
 * DKIM signing (RFC 6376) with {@code rsa-sha256} and {@code ed25519-sha256} (RFC 8463), pure JDK.
 *
 * <p>Intake sees only {@link io.hermod.dkim.Signing}: one {@code Signing.Message} per message, fed
 * while the message streams into the spool; its result is committed as the message's prefix (see
 * {@code spool.Envelope#prefixed}), so a retry sends the same bytes. {@link io.hermod.dkim.KeyedSigning}
 * is the implementation with keys ({@link io.hermod.dkim.ConfiguredKeys} loads them from
 * {@code dkim.*}; {@link io.hermod.dkim.KeyGenCommand} is {@code hermod dkim keygen}).
 *
 * <p>Underneath, a {@link io.hermod.dkim.MessageSigner} gets the message as it streams into the spool
 * (CRLF line endings, dot-stuffing already removed, in any splits). The signer keeps only the
 * header section (capped) and runs the body through a streaming canonicalizer into SHA-256, so a
 * body is never copied whole. At the end of the message {@link io.hermod.dkim.MessageSigner#finish()}
 * returns the {@code DKIM-Signature} fields to prepend, one per key (RSA and Ed25519 for dual
 * signing), folded to 78 columns. {@link io.hermod.dkim.DkimKeys} maps a From: domain to its keys
 * (exact domain, then parents, then a default signer) and re-reads key files that change;
 * {@link io.hermod.dkim.KeyGen} makes a key pair and the DNS TXT record to publish.
 *
 * <p>The package promises intake that a signature it returns verifies against the bytes it was
 * given, and that a message it cannot sign (no key, header section over the cap) is reported as
 * such rather than failing the transaction. It uses no Vert.x and does no I/O except reading key
 * files.
 */
package io.hermod.dkim;
