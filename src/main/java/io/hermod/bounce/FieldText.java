package io.hermod.bounce;

import io.hermod.smtp.Mailbox;
import java.nio.charset.StandardCharsets;

/**
 * How values become the text of header and delivery-status fields: control characters removed so
 * a value can never start a field of its own, and lines folded so none passes 998 octets.
 */
final class FieldText {

    /** RFC 5322 2.1.1: lines SHOULD stay within 78 characters and MUST stay within 998 octets. */
    static final int SOFT_LIMIT = 78;
    static final int HARD_LIMIT = 998;

    private FieldText() {
    }

    /** Appends {@code name: value} and CRLF, folded before spaces (RFC 5322 2.2.3). */
    static void field(StringBuilder out, String name, String value) {
        wrap(out, name + ":", value, " ", SOFT_LIMIT);
    }

    /**
     * Appends {@code first} and the space-separated words of {@code text}, starting a new line with
     * {@code indent} before a word that would take the line past {@code width} octets, and ends with
     * CRLF. A blank {@code first} is an indent: no space follows it. Runs of spaces become one. A word
     * that does not fit in {@link #HARD_LIMIT} octets even alone is broken; that is the only case in
     * which unfolding does not give the words back as they were.
     */
    static void wrap(StringBuilder out, String first, String text, String indent, int width) {
        out.append(first);
        int used = octets(first);
        boolean atLineStart = first.isBlank();
        for (String word : text.trim().split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            int needed = (atLineStart ? 0 : 1) + octets(word);
            if (used + needed <= width || (atLineStart && used + needed <= HARD_LIMIT)) {
                out.append(atLineStart ? "" : " ").append(word);
                used += needed;
                atLineStart = false;
                continue;
            }
            if (!atLineStart) {
                out.append("\r\n").append(indent);
                used = indent.length();
            }
            while (used + octets(word) > HARD_LIMIT) {
                int cut = charsFitting(word, HARD_LIMIT - used);
                out.append(word, 0, cut).append("\r\n").append(indent);
                used = indent.length();
                word = word.substring(cut);
            }
            out.append(word);
            used += octets(word);
            atLineStart = false;
        }
        out.append("\r\n");
    }

    /** Every control character (CR, LF and TAB among them) as a space; everything else as it was. */
    static String withoutControls(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        return sb.toString();
    }

    /** As {@link #withoutControls}, and every non-ASCII character as {@code ?}: text for a 7-bit field. */
    static String printableAscii(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLowSurrogate(c)) {
                continue;
            }
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c > 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    /**
     * A host name or address literal reduced to the characters one may hold ({@code [IPv6:2001:db8::1]}
     * keeps its brackets and colons), or {@code fallback} when nothing is left.
     */
    static String hostToken(String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length() && sb.length() < 255; i++) {
            char c = value.charAt(i);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || ".-_:[]".indexOf(c) >= 0)) {
                sb.append(c);
            }
        }
        return sb.isEmpty() ? fallback : sb.toString();
    }

    /**
     * RFC 6533 {@code utf-8-addr-xtext}: the address with every character outside printable ASCII,
     * and {@code +}, {@code =} and {@code \}, written as {@code \x{HEX}}. 7-bit safe, so it fits
     * {@code message/delivery-status}.
     */
    static String utf8AddrXtext(String address) {
        StringBuilder sb = new StringBuilder(address.length() + 16);
        address.codePoints().forEach(cp -> {
            if (cp > 0x20 && cp < 0x7f && cp != '+' && cp != '=' && cp != '\\') {
                sb.append((char) cp);
            } else {
                sb.append("\\x{").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT)).append('}');
            }
        });
        return sb.toString();
    }

    static boolean isAscii(String value) {
        return Mailbox.isAscii(value);
    }

    static int octets(String value) {
        return isAscii(value) ? value.length() : value.getBytes(StandardCharsets.UTF_8).length;
    }

    /** How many chars of {@code word}, whole code points only, fit in {@code maxOctets} (at least one code point). */
    private static int charsFitting(String word, int maxOctets) {
        int octets = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (octets + size > maxOctets && i > 0) {
                break;
            }
            octets += size;
            i += Character.charCount(cp);
        }
        return i;
    }
}
