package io.hermod.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status (RFC 2034 leaves it out of the
 * greeting and the HELO/EHLO answer) and one or more text lines.
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static Reply of(int code, String status, String text) {
        return new Reply(code, EnhancedStatus.of(status), List.of(text));
    }

    public static Reply plain(int code, String text) {
        return new Reply(code, null, List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** A copy of this reply whose last line has {@code suffix} appended (for example a queue id). */
    public Reply withSuffix(String suffix) {
        String[] copy = lines.toArray(String[]::new);
        copy[copy.length - 1] = copy[copy.length - 1] + suffix;
        return new Reply(code, status, List.of(copy));
    }

    /** The reply as it goes on the wire, every line ending in CRLF. */
    public byte[] toBytes() {
        return wireText().getBytes(StandardCharsets.UTF_8);
    }

    public String wireText() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                sb.append(status).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        String text = wireText();
        return text.substring(0, text.length() - 2).replace("\r\n", " | ");
    }
}
