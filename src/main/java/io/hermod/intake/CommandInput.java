package io.hermod.intake;

import io.hermod.smtp.DataDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What the client sent that the session has not processed yet: whole lines are taken off the
 * front (commands, SASL responses), or raw bytes fed to the DATA decoder. A line longer than its
 * limit is dropped whole and reported once, at its end, so that a client never gets a reply per
 * fragment of one overlong line.
 */
final class CommandInput {

    /** One line without its CRLF (or bare LF); text is null when the line was too long. */
    record Line(String text) {
        boolean tooLong() {
            return text == null;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private byte[] in = EMPTY;
    private int start;
    private int end;
    private boolean discardingLongLine;

    /** Appends {@code length} bytes of {@code data} from {@code offset}; kept by reference when nothing is pending. */
    void append(byte[] data, int offset, int length) {
        if (start == end) {
            in = data;
            start = offset;
            end = offset + length;
            return;
        }
        byte[] joined = new byte[end - start + length];
        System.arraycopy(in, start, joined, 0, end - start);
        System.arraycopy(data, offset, joined, end - start, length);
        in = joined;
        start = 0;
        end = joined.length;
    }

    boolean isEmpty() {
        return start == end;
    }

    /** Forgets everything not yet processed (what followed STARTTLS, or the plain-text past after it). */
    void clear() {
        in = EMPTY;
        start = 0;
        end = 0;
        discardingLongLine = false;
    }

    /** Bytes not processed yet. */
    int size() {
        return end - start;
    }

    /** Feeds up to {@code max} bytes to {@code decoder}, which takes bytes up to the end of the message at most. */
    void decode(DataDecoder decoder, int max) {
        start += decoder.decode(in, start, Math.min(end - start, max));
        releaseIfEmpty();
    }

    /** Whether the pending input starts with {@code prefix} (ASCII, any case). */
    boolean startsWithIgnoreCase(String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toUpperCase((char) in[start + i]) != Character.toUpperCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The next whole line, or null when none is complete yet. {@code limit} counts the line terminator. */
    Line nextLine(int limit) {
        int lf = -1;
        for (int i = start; i < end; i++) {
            if (in[i] == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (end - start >= limit) {
                // No room left for a CRLF within the limit: drop what we have, answer at the LF.
                discardingLongLine = true;
                start = end;
                releaseIfEmpty();
            }
            return null;
        }
        boolean tooLong = discardingLongLine || lf + 1 - start > limit;
        int lineEnd = lf > start && in[lf - 1] == '\r' ? lf - 1 : lf;
        String text = tooLong ? null : new String(in, start, lineEnd - start, StandardCharsets.UTF_8);
        start = lf + 1;
        discardingLongLine = false;
        releaseIfEmpty();
        return new Line(text);
    }

    private void releaseIfEmpty() {
        if (start == end) {
            in = EMPTY;
            start = 0;
            end = 0;
        }
    }
}
