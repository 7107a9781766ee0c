package io.hermod.intake;

import io.hermod.smtp.PathSyntaxException;
import io.hermod.smtp.Replies;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The MAIL FROM parameters Hermod takes: SIZE (RFC 1870), BODY (RFC 6152) and SMTPUTF8 (RFC 6531);
 * {@code size} is the declared SIZE, or -1 when the client declared none.
 */
record MailParameters(boolean eightBit, boolean smtpUtf8, long size) {

    private static final Pattern SIZE_VALUE = Pattern.compile("[0-9]{1,20}");

    /** Reads the parameters; an unknown or bad one is refused with the reply to send. */
    static MailParameters parse(Map<String, String> parameters, long maxMessageSize) throws PathSyntaxException {
        boolean eightBit = false;
        boolean utf8 = false;
        long size = -1;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (!SIZE_VALUE.matcher(p.getValue()).matches()) {
                        throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "SIZE is not a number");
                    }
                    if (p.getValue().length() > 18 || Long.parseLong(p.getValue()) > maxMessageSize) {
                        throw new PathSyntaxException(Replies.SIZE_EXCEEDED, "SIZE over the limit");
                    }
                    size = Long.parseLong(p.getValue());
                }
                case "BODY" -> {
                    if (p.getValue().equalsIgnoreCase("8BITMIME")) {
                        eightBit = true;
                    } else if (!p.getValue().equalsIgnoreCase("7BIT")) {
                        throw new PathSyntaxException(Replies.UNKNOWN_PARAMETER, "unknown BODY");
                    }
                }
                case "SMTPUTF8" -> {
                    if (!p.getValue().isEmpty()) {
                        throw new PathSyntaxException(Replies.SYNTAX_ARGUMENTS, "SMTPUTF8 takes no value");
                    }
                    utf8 = true;
                }
                default -> throw new PathSyntaxException(Replies.UNKNOWN_PARAMETER, "unknown parameter " + p.getKey());
            }
        }
        return new MailParameters(eightBit, utf8, size);
    }
}
