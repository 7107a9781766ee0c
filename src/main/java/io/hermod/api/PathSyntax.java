package io.hermod.api;

import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request's path as it came, still percent-encoded, before anything is routed on it.
 * vertx-web would answer a bad escape ({@code %zz}, a lone {@code %}) with a bare 400 that names
 * nothing, and decodes escapes that are not UTF-8 to U+FFFD, which then passes for a letter of a
 * U-label in a queue's domain. Here both are a 400 whose reason names the path.
 */
final class PathSyntax {

    private PathSyntax() {
    }

    /** The first handler of the router: a path that does not decode ends the request with 400. */
    static void check(RoutingContext ctx) {
        String problem = problem(ctx.request().path());
        if (problem != null) {
            JsonResponse.error(ctx, 400, problem);
            return;
        }
        ctx.next();
    }

    /** Why the raw path does not decode, or null when it does. */
    static String problem(String path) {
        if (path == null) {
            return null;
        }
        boolean escaped = false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c > 127) {
                // The request line is read as ISO-8859-1 and vertx-web leaves such chars as they are,
                // so UTF-8 sent raw would reach a route as mojibake (RFC 3986 wants it escaped).
                return "path: has an octet outside ASCII; percent-encode it";
            }
            escaped |= c == '%';
        }
        if (!escaped) {
            return null;
        }
        ByteArrayOutputStream octets = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                octets.write(c);
                continue;
            }
            int high = i + 1 < path.length() ? hex(path.charAt(i + 1)) : -1;
            int low = i + 2 < path.length() ? hex(path.charAt(i + 2)) : -1;
            if (high < 0 || low < 0) {
                return "path: \"" + path.substring(i, Math.min(i + 3, path.length()))
                        + "\" is not a percent-escape (% and two hex digits)";
            }
            octets.write(high << 4 | low);
            i += 2;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(octets.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "path: its percent-escapes do not decode as UTF-8";
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16); // c is ASCII here, so no other script's digits
    }
}
