package io.hermod.smtp;

/**
 * Outbound DATA transparency (RFC 5321 4.5.2): a stored body (CRLF line endings only) becomes the
 * bytes to send, every line that starts with a dot getting one more, followed by the
 * {@code CRLF.CRLF} terminator. A body that does not end in CRLF gets one first.
 */
public final class DotStuffing {

    /** Where the stuffed bytes go: runs of the body as they are, and the dots added. */
    @FunctionalInterface
    public interface Output {
        void write(byte[] source, int offset, int length);
    }

    /** CRLF.CRLF: the whole of it after a body that did not end a line, the last three bytes otherwise. */
    private static final byte[] END_LINE = {'\r', '\n', '.', '\r', '\n'};

    private DotStuffing() {
    }

    /**
     * Stuffs one contiguous body; {@code atLineStart} says whether the previous chunk ended a line.
     * The body reaches {@code out} in runs between the added dots, so a body with no line starting
     * with a dot is one write.
     */
    public static boolean stuff(byte[] body, int offset, int length, boolean atLineStart, Output out) {
        int end = offset + length;
        if (length == 0) {
            return atLineStart;
        }
        int runStart = offset;
        int lineStart = atLineStart ? offset : -1;
        while (true) {
            if (lineStart >= 0) {
                if (lineStart == end) {
                    break; // the body ends a line
                }
                if (body[lineStart] == '.') {
                    out.write(body, runStart, lineStart - runStart);
                    out.write(END_LINE, 2, 1); // the added dot
                    runStart = lineStart;
                }
            }
            int lf = ByteScan.indexOf(body, lineStart < 0 ? offset : lineStart, end, (byte) '\n');
            if (lf == end) {
                break;
            }
            lineStart = lf + 1;
        }
        out.write(body, runStart, end - runStart);
        return body[end - 1] == '\n';
    }

    /** Writes the end-of-data line, preceded by CRLF unless the body already ended a line. */
    public static void terminate(boolean atLineStart, Output out) {
        if (atLineStart) {
            out.write(END_LINE, 2, 3);
        } else {
            out.write(END_LINE, 0, END_LINE.length);
        }
    }
}
