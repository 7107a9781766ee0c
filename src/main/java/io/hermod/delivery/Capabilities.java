package io.hermod.delivery;

import io.hermod.smtp.Reply;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a server's EHLO answer offers that the client uses. HELO means none of it. After STARTTLS
 * the client asks again and uses only the new answer (RFC 3207 4.2).
 */
public record Capabilities(boolean pipelining, boolean eightBitMime, boolean smtpUtf8, boolean size, long maxSize,
                           boolean startTls) {

    public static final Capabilities NONE = new Capabilities(false, false, false, false, 0, false);

    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    public static Capabilities of(Reply ehlo) {
        boolean pipelining = false;
        boolean eightBit = false;
        boolean utf8 = false;
        boolean size = false;
        long maxSize = 0;
        boolean startTls = false;
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String[] words = WHITE_SPACE.split(ehlo.lines().get(i).trim());
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> startTls = true;
                case "SIZE" -> {
                    size = true;
                    if (words.length > 1 && words[1].matches("\\d{1,18}")) {
                        maxSize = Long.parseLong(words[1]);
                    }
                }
                default -> {
                    // other extensions are not used
                }
            }
        }
        return new Capabilities(pipelining, eightBit, utf8, size, maxSize, startTls);
    }
}
