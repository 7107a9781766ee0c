package io.hermod.bounce;

import java.nio.charset.StandardCharsets;

/**
 * The quoted-printable encoding of RFC 2045 6.7, for the explanation when it is not ASCII: the
 * report then stays 7-bit and can travel through servers that do not offer 8BITMIME.
 */
final class QuotedPrintable {

    /** Encoded lines are at most 76 characters, the soft line break's {@code =} included. */
    private static final int MAX_LINE = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private QuotedPrintable() {
    }

    /** Encodes text whose lines end in CRLF as UTF-8; the line breaks stay hard line breaks. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + text.length() / 4);
        String[] lines = text.split("\r\n", -1);
        for (int l = 0; l < lines.length; l++) {
            if (l == lines.length - 1 && lines[l].isEmpty()) {
                break;
            }
            byte[] bytes = lines[l].getBytes(StandardCharsets.UTF_8);
            int column = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[i] & 0xff;
                boolean literal = b >= 33 && b <= 126 && b != '=' || b == ' ' && i < bytes.length - 1;
                int width = literal ? 1 : 3;
                if (column + width > MAX_LINE - 1) {
                    out.append("=\r\n");
                    column = 0;
                }
                if (literal) {
                    out.append((char) b);
                } else {
                    out.append('=').append(HEX[b >> 4]).append(HEX[b & 0xf]);
                }
                column += width;
            }
            out.append("\r\n");
        }
        return out.toString();
    }
}
