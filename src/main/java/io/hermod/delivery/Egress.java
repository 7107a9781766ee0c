package io.hermod.delivery;

import io.vertx.core.net.NetClient;

/**
 * How connections leave from one egress source: its clients (bound to the source's local address)
 * and the name it gives in EHLO. {@code verifying} checks certificates and host names, for
 * destinations that require TLS; {@code opportunistic} takes any certificate (RFC 7435).
 */
public record Egress(String source, NetClient opportunistic, NetClient verifying, String heloName) {
}
