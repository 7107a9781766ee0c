package io.hermod.smtp;

import java.io.ByteArrayOutputStream;

/**
 * Outbound DATA transparency (RFC 5321 4.5.2): a stored body (CRLF line endings only) becomes the
 * bytes to send, every line that starts with a dot getting one more, followed by the
 * {@code CRLF.CRLF} terminator. A body that does not end in CRLF gets one first.
 */
public final class DotStuffing {

    private DotStuffing() {
    }

    /** Stuffs one contiguous body; {@code atLineStart} says whether the previous chunk ended a line. */
    public static boolean stuff(byte[] body, int offset, int length, boolean atLineStart, ByteArrayOutputStream out) {
        int end = offset + length;
        int runStart = offset;
        for (int i = offset; i < end; i++) {
            if (atLineStart && body[i] == '.') {
                out.write(body, runStart, i - runStart);
                out.write('.');
                runStart = i;
            }
            atLineStart = body[i] == '\n';
        }
        out.write(body, runStart, end - runStart);
        return atLineStart;
    }

    /** Writes the end-of-data line, preceded by CRLF unless the body already ended a line. */
    public static void terminate(boolean atLineStart, ByteArrayOutputStream out) {
        if (!atLineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
    }
}
