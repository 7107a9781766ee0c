package io.hermod.smtp;

/**
 * Receives the DATA stream of RFC 5321 4.5.2: removes the transparency dot, finds the end of the
 * message and reports lines longer than the 1000-octet limit, and what a {@link ContentScreen}
 * finds in the decoded content (a NUL octet, the Received fields of the header section).
 *
 * <p><b>End of data.</b> Only {@code CRLF . CRLF} ends a message. A line that consists of a single
 * dot but was opened by a bare LF or bare CR, or closed by one, never ends it; that is what SMTP
 * smuggling ({@code \n.\r\n}, {@code \r\n.\n}, {@code \r.\r\n}) relies on, and here such a line
 * is ordinary text.
 *
 * <p><b>Bare CR and bare LF</b> in the body are taken as line breaks and stored as CRLF (Postfix's
 * {@code smtpd_forbid_bare_newline = normalize} does the same for LF). A stored body therefore
 * has CRLF line endings only, which is what RFC 5321 2.3.8 demands of mail on the wire, and the
 * outbound side's dot-stuffing escapes every line a downstream server could read as the end.
 *
 * <p>The decoder is fed any split of the stream; it keeps its state between calls.
 */
public final class DataDecoder {

    /** Where decoded body bytes go. */
    public interface Output {
        void write(byte b);

        void write(byte[] source, int offset, int length);
    }

    /** RFC 5321 4.5.3.1.6: 1000 octets including CRLF. */
    public static final int MAX_LINE_LENGTH = 998;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private enum State { LINE_START, DOT, DOT_CR, TEXT, CR, DONE }

    private final Output out;
    private final ContentScreen content = new ContentScreen();
    private State state = State.LINE_START;
    /** Whether the current line was opened by CRLF (or is the first line), so that "." may end data. */
    private boolean strictLineStart = true;
    private int lineLength;
    private boolean lineTooLong;

    /**
     * The most bytes {@link #decode} can write for {@code input} bytes: a bare CR or LF becomes CRLF
     * (two for one), and up to three more for what an earlier call held back (a dot, then a CR whose
     * line break it had not written yet).
     */
    public static long maxOutput(int input) {
        return 2L * input + 3;
    }

    /** The most input bytes whose output fits in {@code room} bytes (see {@link #maxOutput}); 0 when none. */
    public static int maxInput(int room) {
        return Math.max(0, (room - 3) / 2);
    }

    public DataDecoder(Output out) {
        this.out = out;
    }

    /**
     * Decodes {@code length} bytes from {@code offset}.
     *
     * @return the number of bytes consumed: all of them, or fewer when the end-of-data line was
     *         found, in which case the bytes after it belong to the next command
     */
    public int decode(byte[] in, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            byte b = in[i];
            switch (state) {
                case TEXT -> {
                    // Hot path: copy the run up to the next CR or LF in one call, and a CRLF that ends
                    // it with it (what lineBreak(true) would write and set).
                    int runStart = i;
                    i = ByteScan.indexOfLineBreak(in, i, end);
                    if (i + 1 < end && in[i] == CR && in[i + 1] == LF) {
                        countLine(i - runStart);
                        emit(in, runStart, i + 2 - runStart);
                        strictLineStart = true;
                        lineLength = 0;
                        state = State.LINE_START;
                        i += 2;
                        continue;
                    }
                    if (i > runStart) {
                        emit(in, runStart, i - runStart);
                        countLine(i - runStart);
                    }
                    if (i < end) {
                        state = in[i] == CR ? State.CR : State.TEXT;
                        if (in[i] == LF) {
                            lineBreak(false);
                        }
                        i++;
                    }
                    continue;
                }
                case LINE_START -> {
                    if (b == DOT) {
                        state = State.DOT;
                        countLine(1);
                    } else if (b == CR) {
                        state = State.CR;
                    } else if (b == LF) {
                        lineBreak(false);
                    } else {
                        state = State.TEXT;
                        continue; // the line's first byte starts the run
                    }
                }
                case DOT -> {
                    if (b == CR) {
                        state = State.DOT_CR;
                    } else if (b == LF) {
                        emit(DOT);
                        lineBreak(false);
                    } else {
                        // A leading dot followed by text is the transparency dot: drop it.
                        emit(b);
                        countLine(1);
                        state = State.TEXT;
                    }
                }
                case DOT_CR -> {
                    if (b == LF && strictLineStart) {
                        state = State.DONE;
                        return i + 1 - offset;
                    }
                    emit(DOT);
                    if (b == LF) {
                        lineBreak(true);
                    } else {
                        lineBreak(false);
                        continue; // the byte after a bare CR starts the next line
                    }
                }
                case CR -> {
                    if (b == LF) {
                        lineBreak(true);
                    } else {
                        lineBreak(false);
                        continue;
                    }
                }
                case DONE -> throw new IllegalStateException("end of data already seen");
            }
            i++;
        }
        return length;
    }

    private void emit(byte b) {
        out.write(b);
        content.scan(b);
    }

    private void emit(byte[] in, int offset, int length) {
        out.write(in, offset, length);
        content.scan(in, offset, length);
    }

    private void lineBreak(boolean realCrlf) {
        emit(CR);
        emit(LF);
        strictLineStart = realCrlf;
        lineLength = 0;
        state = State.LINE_START;
    }

    private void countLine(int n) {
        lineLength += n;
        if (lineLength > MAX_LINE_LENGTH) {
            lineTooLong = true;
        }
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** Whether any line was longer than 998 octets (1000 with its CRLF). */
    public boolean sawLineTooLong() {
        return lineTooLong;
    }

    /** What the decoded content held: a NUL octet, how many Received fields its header section had. */
    public ContentScreen content() {
        return content;
    }
}
