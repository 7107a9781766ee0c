package io.hermod.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The argument of {@code MAIL FROM:} or {@code RCPT TO:}: a path and its ESMTP parameters
 * (RFC 5321 4.1.2 and 4.1.3). {@code mailbox} is null for the null reverse-path {@code <>}.
 * Parameter keywords are upper-cased; a parameter without a value maps to the empty string.
 */
public record PathArgument(Mailbox mailbox, Map<String, String> parameters) {

    /** Between MAIL and RCPT parameters; compiled once, where {@code String.split(" +")} compiles it per call. */
    private static final Pattern SPACES = Pattern.compile(" +");

    /** RFC 5321 4.5.3.1: local part 64 octets, domain 255, path 256 (with the brackets). */
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    static final int MAX_PATH = 256;

    public boolean isNullPath() {
        return mailbox == null;
    }

    public String parameter(String keyword) {
        return parameters.get(keyword);
    }

    /** Parses what follows {@code MAIL FROM:}; {@code <>} is allowed. */
    public static PathArgument parseReversePath(String text) throws PathSyntaxException {
        return parse(text, "FROM:", true, Replies.BAD_SENDER_SYNTAX);
    }

    /** Parses what follows {@code RCPT TO:}; {@code <>} is not allowed. */
    public static PathArgument parseForwardPath(String text) throws PathSyntaxException {
        return parse(text, "TO:", false, Replies.BAD_RECIPIENT_SYNTAX);
    }

    private static PathArgument parse(String argument, String prefix, boolean nullAllowed, Reply badAddress)
            throws PathSyntaxException {
        if (argument.length() < prefix.length()
                || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "expected " + prefix);
        }
        // Many clients put a space after the colon; RFC 5321 does not, but nothing is ambiguous.
        String rest = argument.substring(prefix.length()).stripLeading();
        if (rest.isEmpty() || rest.charAt(0) != '<') {
            throw new PathSyntaxException(badAddress, "path must be enclosed in <>");
        }
        int close = closingBracket(rest);
        if (close < 0) {
            throw new PathSyntaxException(badAddress, "path has no closing >");
        }
        if (octets(rest.substring(0, close + 1)) > MAX_PATH) {
            throw new PathSyntaxException(badAddress, "path longer than 256 octets");
        }
        String inside = rest.substring(1, close);
        Map<String, String> parameters = parseParameters(rest.substring(close + 1));
        if (inside.isEmpty()) {
            if (!nullAllowed) {
                throw new PathSyntaxException(badAddress, "null path not allowed here");
            }
            return new PathArgument(null, parameters);
        }
        return new PathArgument(parseMailbox(stripSourceRoute(inside, badAddress), badAddress), parameters);
    }

    /** Index of the {@code >} closing the path, skipping quoted strings in the local part. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    /** RFC 5321 4.1.2 / appendix C: a source route ({@code @a,@b:user@c}) is accepted and ignored. */
    private static String stripSourceRoute(String inside, Reply badAddress) throws PathSyntaxException {
        if (inside.charAt(0) != '@') {
            return inside;
        }
        int colon = inside.indexOf(':');
        if (colon < 0) {
            throw new PathSyntaxException(badAddress, "source route without ':'");
        }
        for (String hop : inside.substring(0, colon).split(",", -1)) {
            if (hop.length() < 2 || hop.charAt(0) != '@' || !AddressSyntax.isDomain(hop.substring(1), true)) {
                throw new PathSyntaxException(badAddress, "bad source route");
            }
        }
        return inside.substring(colon + 1);
    }

    private static Mailbox parseMailbox(String text, Reply badAddress) throws PathSyntaxException {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new PathSyntaxException(badAddress, "mailbox needs local-part@domain");
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        if (octets(local) > MAX_LOCAL_PART || !AddressSyntax.isLocalPart(local)) {
            throw new PathSyntaxException(badAddress, "bad local part");
        }
        if (octets(domain) > MAX_DOMAIN
                || !(AddressSyntax.isDomain(domain, true) || AddressSyntax.isAddressLiteral(domain))) {
            throw new PathSyntaxException(badAddress, "bad domain");
        }
        return new Mailbox(local, domain);
    }

    /** The limits count octets (RFC 6531 3.3), not characters, once an address may hold UTF-8. */
    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Map<String, String> parseParameters(String text) throws PathSyntaxException {
        if (text.isEmpty()) {
            return Map.of();
        }
        if (text.charAt(0) != ' ') {
            throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "junk after path");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String token : SPACES.split(text.strip())) {
            int eq = token.indexOf('=');
            String keyword = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            if (!AddressSyntax.isEsmtpKeyword(keyword) || (eq >= 0 && !AddressSyntax.isEsmtpValue(value))) {
                throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "bad parameter " + token);
            }
            if (parameters.putIfAbsent(keyword, value) != null) {
                throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "duplicate parameter " + keyword);
            }
        }
        return Collections.unmodifiableMap(parameters);
    }
}
