package io.hermod.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    /** The start of a line whose LF has not been read yet. */
    private byte[] partial = new byte[128];
    private int partialLength;
    /** The texts of a multi-line reply so far; a one-line reply never touches it. */
    private final List<String> texts = new ArrayList<>();
    private int code = -1;

    public ReplyParser(Consumer<Reply> replies) {
        this.replies = replies;
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int lf = ByteScan.indexOf(bytes, start, end, (byte) '\n'); lf < end;
                lf = ByteScan.indexOf(bytes, start, end, (byte) '\n')) {
            if (partialLength == 0) {
                completeLine(bytes, start, lf - start); // the whole line is in this read: no copy
            } else {
                keep(bytes, start, lf - start);
                int lineLength = partialLength;
                partialLength = 0;
                completeLine(partial, 0, lineLength);
            }
            start = lf + 1;
        }
        keep(bytes, start, end - start);
        if (partialLength > MAX_LINE) {
            throw new ReplySyntaxException("reply line longer than " + MAX_LINE + " octets");
        }
    }

    private void keep(byte[] bytes, int from, int length) {
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
        }
        System.arraycopy(bytes, from, partial, partialLength, length);
        partialLength += length;
    }

    /** One line without its LF: {@code ddd}, {@code ddd text} or {@code ddd-text}, perhaps ending in CR. */
    private void completeLine(byte[] line, int from, int rawLength) {
        int length = rawLength > 0 && line[from + rawLength - 1] == '\r' ? rawLength - 1 : rawLength;
        if (length < 3 || !isDigit(line[from]) || !isDigit(line[from + 1]) || !isDigit(line[from + 2])
                || (length > 3 && line[from + 3] != ' ' && line[from + 3] != '-')) {
            throw new ReplySyntaxException("malformed reply line: " + abbreviate(line, from, length));
        }
        int lineCode = (line[from] - '0') * 100 + (line[from + 1] - '0') * 10 + (line[from + 2] - '0');
        if (lineCode < 200 || lineCode > 599) {
            throw new ReplySyntaxException("reply code out of range: " + abbreviate(line, from, length));
        }
        if (code >= 0 && lineCode != code) {
            throw new ReplySyntaxException("multi-line reply changed its code: " + abbreviate(line, from, length));
        }
        String text = length > 4 ? new String(line, from + 4, length - 4, StandardCharsets.UTF_8) : "";
        boolean last = length == 3 || line[from + 3] == ' ';
        if (last && code < 0) {
            replies.accept(build(lineCode, List.of(text))); // a one-line reply, nearly all of them
            return;
        }
        code = lineCode;
        texts.add(text);
        if (texts.size() > MAX_LINES) {
            throw new ReplySyntaxException("reply with more than " + MAX_LINES + " lines");
        }
        if (last) {
            Reply reply = build(code, texts);
            code = -1;
            texts.clear();
            replies.accept(reply);
        }
    }

    /** RFC 5321 4.2: a reply code is three ASCII digits. */
    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Takes the enhanced status off every line when the first line carries one of the reply's class. */
    static Reply build(int code, List<String> texts) {
        String first = texts.get(0);
        EnhancedStatus status = EnhancedStatus.leading(first, code / 100);
        if (status == null) {
            return new Reply(code, null, texts);
        }
        // The status as the first line spells it, when that is how it prints (no leading zeros,
        // nearly always): then it is compared in place, without printing it.
        int spelled = first.indexOf(' ');
        spelled = spelled < 0 ? first.length() : spelled;
        boolean inPlace = spelled == status.printedLength();
        String printed = inPlace ? first : status.toString();
        int length = inPlace ? spelled : printed.length();
        if (texts.size() == 1) {
            return new Reply(code, status, List.of(strip(first, printed, length)));
        }
        List<String> stripped = new ArrayList<>(texts.size());
        for (String t : texts) {
            stripped.add(strip(t, printed, length));
        }
        return new Reply(code, status, stripped);
    }

    /** {@code t} without the status ({@code printed[0, length)}) and the space after it; "" when it is the status alone. */
    private static String strip(String t, String printed, int length) {
        if (!t.regionMatches(0, printed, 0, length)) {
            return t;
        }
        if (t.length() == length) {
            return "";
        }
        return t.charAt(length) == ' ' ? t.substring(length + 1) : t;
    }

    private static String abbreviate(byte[] line, int from, int length) {
        return abbreviate(new String(line, from, length, StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
