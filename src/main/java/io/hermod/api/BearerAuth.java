package io.hermod.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards {@code /api} when {@code http.token} is set: a request passes only with
 * {@code Authorization: Bearer <token>} (RFC 6750 2.1; the scheme name is case-insensitive, the
 * token is not). Anything else gets 401 with {@code WWW-Authenticate: Bearer}.
 */
final class BearerAuth implements Handler<RoutingContext> {

    private static final String SCHEME = "Bearer ";

    private final byte[] token;

    BearerAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (accepts(ctx.request().getHeader("authorization"))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("www-authenticate", "Bearer realm=\"hermod\"");
        JsonResponse.error(ctx, 401, "a valid Authorization: Bearer token is required");
    }

    boolean accepts(String header) {
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = header.substring(SCHEME.length()).getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual takes time that depends only on the length of its first argument,
        // so neither the token's bytes nor its length leak through response timing.
        return MessageDigest.isEqual(token, given);
    }
}
