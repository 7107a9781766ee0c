package io.hermod.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL wire format of SMTP AUTH (RFC 4954): base64 lines, the 334 continuation replies, and the
 * PLAIN message (RFC 4616). LOGIN is not a standard, but every client has it: two 334 prompts,
 * "Username:" and "Password:", each answered with one base64 line.
 */
public final class Sasl {

    /** A client line of just {@code *} cancels the exchange (RFC 4954 4). */
    public static final String CANCEL = "*";
    /** The empty challenge that asks for the PLAIN message. */
    public static final Reply PLAIN_CHALLENGE = Reply.plain(334, "");
    public static final Reply LOGIN_USERNAME = Reply.plain(334, encode("Username:"));
    public static final Reply LOGIN_PASSWORD = Reply.plain(334, encode("Password:"));

    private Sasl() {
    }

    /** A user name and password as the client sent them. {@code toString} hides the password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=(hidden)]";
        }
    }

    /** Thrown for a line that is not base64 or a message that is not what the mechanism expects. */
    public static final class SaslException extends Exception {
        private final boolean base64;

        SaslException(String message, boolean base64) {
            super(message, null, false, false);
            this.base64 = base64;
        }

        /** The reply to send: 501 5.5.2 in either case, with wording that says which. */
        public Reply reply() {
            return base64 ? Replies.AUTH_BAD_BASE64 : Replies.AUTH_MALFORMED;
        }
    }

    /** Decodes one client line; {@code =} is the empty initial response (RFC 4954 4). */
    public static byte[] decode(String line) throws SaslException {
        if (line.equals("=")) {
            return new byte[0];
        }
        if (line.isEmpty()) {
            throw new SaslException("empty response", true);
        }
        try {
            return Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw new SaslException("not base64", true);
        }
    }

    public static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The PLAIN message {@code [authzid] NUL authcid NUL passwd} (RFC 4616 2). An authorization
     * identity other than the user's own would mean acting as someone else, which Hermod does not
     * offer: it is refused as malformed.
     */
    public static Credentials plain(byte[] message) throws SaslException {
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (second < 0 || indexOf(message, second + 1) >= 0) {
            throw new SaslException("PLAIN needs exactly two NUL separators", false);
        }
        String authzid = utf8(message, 0, first);
        String user = utf8(message, first + 1, second);
        String password = utf8(message, second + 1, message.length);
        if (user.isEmpty() || password.isEmpty() || (!authzid.isEmpty() && !authzid.equals(user))) {
            throw new SaslException("PLAIN needs a user and a password, and no other identity", false);
        }
        return new Credentials(user, password);
    }

    /** One LOGIN answer (the user name or the password). */
    public static String text(byte[] message) throws SaslException {
        if (message.length == 0 || indexOf(message, 0) >= 0) {
            throw new SaslException("empty or NUL in LOGIN answer", false);
        }
        return utf8(message, 0, message.length);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] bytes, int from, int to) throws SaslException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SaslException("not UTF-8", false);
        }
    }
}
