package io.hermod.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status (RFC 2034 leaves it out of the
 * greeting and the HELO/EHLO answer) and one or more text lines.
 *
 * <p>A value class rather than a record only so that it can keep its wire form once built: the
 * replies intake sends most (the 250 to MAIL and RCPT, the 354) are constants.
 */
public final class Reply {

    private final int code;
    private final EnhancedStatus status;
    private final List<String> lines;
    /** {@link #toBytes()}, built on first use; a race builds it twice, to the same bytes. */
    private volatile byte[] wire;

    public Reply(int code, EnhancedStatus status, List<String> lines) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        this.lines = List.copyOf(lines);
        if (this.lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        this.code = code;
        this.status = status;
    }

    public int code() {
        return code;
    }

    /** The enhanced status code, or null when the reply has none. */
    public EnhancedStatus status() {
        return status;
    }

    public List<String> lines() {
        return lines;
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

    /** The reply as it goes on the wire, every line ending in CRLF. The array is shared: do not change it. */
    public byte[] toBytes() {
        byte[] bytes = wire;
        if (bytes == null) {
            bytes = wireText().getBytes(StandardCharsets.UTF_8);
            wire = bytes;
        }
        return bytes;
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
    public boolean equals(Object o) {
        return o instanceof Reply r && code == r.code && Objects.equals(status, r.status) && lines.equals(r.lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, status, lines);
    }

    @Override
    public String toString() {
        String text = wireText();
        return text.substring(0, text.length() - 2).replace("\r\n", " | ");
    }
}
