package io.hermod.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Parses the replies a server sends (RFC 5321 4.2) from any split of the byte stream: one
 * {@link Reply} per complete reply, multi-line replies joined, the enhanced status code (RFC 2034)
 * taken off each line when present. A malformed line is reported as a {@link ReplySyntaxException}.
 */
public final class ReplyParser {

    /** Longer reply lines are a broken or hostile server; RFC 5321 4.5.3.1.5 allows 512. */
    static final int MAX_LINE = 4096;
    /** Bounds a multi-line reply (some servers send long EHLO lists, none this long). */
    static final int MAX_LINES = 256;

    /** A reply line that is not {@code ddd[ -]text}. */
    public static final class ReplySyntaxException extends RuntimeException {
        public ReplySyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private final Consumer<Reply> replies;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final List<String> texts = new ArrayList<>();
    private int code = -1;

    public ReplyParser(Consumer<Reply> replies) {
        this.replies = replies;
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, start, i - start);
                start = i + 1;
                completeLine();
            }
        }
        line.write(bytes, start, end - start);
        if (line.size() > MAX_LINE) {
            throw new ReplySyntaxException("reply line longer than " + MAX_LINE + " octets");
        }
    }

    private void completeLine() {
        byte[] raw = line.toByteArray();
        line.reset();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        String text = new String(raw, 0, length, StandardCharsets.UTF_8);
        if (text.length() < 3 || !isDigits(text) || (text.length() > 3 && text.charAt(3) != ' ' && text.charAt(3) != '-')) {
            throw new ReplySyntaxException("malformed reply line: " + abbreviate(text));
        }
        int lineCode = Integer.parseInt(text.substring(0, 3));
        if (lineCode < 200 || lineCode > 599) {
            throw new ReplySyntaxException("reply code out of range: " + abbreviate(text));
        }
        if (code >= 0 && lineCode != code) {
            throw new ReplySyntaxException("multi-line reply changed its code: " + abbreviate(text));
        }
        code = lineCode;
        texts.add(text.length() > 4 ? text.substring(4) : "");
        if (texts.size() > MAX_LINES) {
            throw new ReplySyntaxException("reply with more than " + MAX_LINES + " lines");
        }
        boolean last = text.length() == 3 || text.charAt(3) == ' ';
        if (last) {
            Reply reply = build(code, texts);
            code = -1;
            texts.clear();
            replies.accept(reply);
        }
    }

    private static boolean isDigits(String text) {
        return Character.isDigit(text.charAt(0)) && Character.isDigit(text.charAt(1)) && Character.isDigit(text.charAt(2));
    }

    /** Takes the enhanced status off every line when the first line carries one of the reply's class. */
    static Reply build(int code, List<String> texts) {
        EnhancedStatus status = EnhancedStatus.leading(texts.get(0), code / 100);
        if (status == null) {
            return new Reply(code, null, texts);
        }
        List<String> stripped = new ArrayList<>(texts.size());
        String prefix = status + " ";
        for (String t : texts) {
            stripped.add(t.startsWith(prefix) ? t.substring(prefix.length()) : t.equals(status.toString()) ? "" : t);
        }
        return new Reply(code, status, stripped);
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
