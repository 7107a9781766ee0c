package io.hermod.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Takes one header field out of a message as it streams by, in any split, and keeps its value:
 * {@code X-Hermod-Pool}, a request to Hermod that must not travel on. Only the header section is
 * looked at (up to the first empty line); a field is held until its last continuation line, then
 * passed on or dropped. Everything else passes through unchanged. Content has CRLF line endings.
 * A field longer than {@link #MAX_FIELD} octets is not the one looked for (it could not be a pool
 * name) and passes on as it arrives.
 */
public final class HeaderFilter implements DataDecoder.Output {

    /** The field that names a message's egress pool. */
    public static final String POOL_FIELD = "X-Hermod-Pool";
    static final int MAX_FIELD = 1024;

    private final DataDecoder.Output next;
    private final byte[] name;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private State state = State.LINE_START;
    private String value;

    /** Where the stream is: the header section line by line, then the body, which passes untouched. */
    private enum State {
        /** The next byte starts a header line (a field, a continuation, or the empty line). */
        LINE_START,
        /** In a line held with the current field. */
        HELD,
        /** In a line passed on as it arrives (a field too long to be ours, or a stray continuation). */
        PASSING,
        /** After the CR of the empty line. */
        ENDING,
        BODY
    }

    public HeaderFilter(DataDecoder.Output next, String fieldName) {
        this.next = next;
        this.name = (fieldName.toLowerCase(Locale.ROOT) + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** The value of the last such field removed (unfolded, trimmed), or null when there was none. */
    public String value() {
        return value;
    }

    @Override
    public void write(byte b) {
        if (state == State.BODY) {
            next.write(b);
        } else {
            header(b);
        }
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (state != State.BODY && i < end) {
            if (state == State.HELD || state == State.PASSING) {
                // The rest of a field's line in one step, held or passed on whole, not byte by byte.
                int stop = lineEnd(source, i, end);
                if (state == State.HELD) {
                    holdRun(source, i, stop - i);
                } else {
                    next.write(source, i, stop - i);
                    if (source[stop - 1] == '\n') {
                        state = State.LINE_START;
                    }
                }
                i = stop;
            } else {
                header(source[i++]);
            }
        }
        if (i < end) {
            next.write(source, i, end - i);
        }
    }

    /** Just past the first LF from {@code from}, or {@code end}. */
    private static int lineEnd(byte[] source, int from, int end) {
        int lf = ByteScan.indexOf(source, from, end, (byte) '\n');
        return lf == end ? end : lf + 1;
    }

    private void header(byte b) {
        switch (state) {
            case LINE_START -> {
                boolean continuation = b == ' ' || b == '\t';
                if (!continuation) {
                    complete();
                }
                if (b == '\r' || b == '\n') {
                    next.write(b);
                    state = b == '\r' ? State.ENDING : State.BODY;
                } else if (continuation && !held) {
                    next.write(b);
                    state = State.PASSING;
                } else {
                    held = true;
                    hold(b);
                }
            }
            case HELD -> hold(b);
            case PASSING -> {
                next.write(b);
                if (b == '\n') {
                    state = State.LINE_START;
                }
            }
            case ENDING -> {
                next.write(b);
                state = State.BODY;
            }
            default -> next.write(b);
        }
    }

    /** Whether a field is being held (its continuation lines join it). */
    private boolean held;

    private void hold(byte b) {
        field.write(b);
        state = b == '\n' ? State.LINE_START : State.HELD;
        if (field.size() > MAX_FIELD) {
            // Too long to be a pool name: it goes on as it is, and so do the rest of it.
            byte[] bytes = field.toByteArray();
            field.reset();
            held = false;
            next.write(bytes, 0, bytes.length);
            state = b == '\n' ? State.LINE_START : State.PASSING;
        }
    }

    /** The held field goes on, or is kept back when it is the one looked for. */
    /** {@link #hold} for a run that ends at its only LF, if it has one. */
    private void holdRun(byte[] source, int offset, int length) {
        field.write(source, offset, length);
        boolean ended = source[offset + length - 1] == '\n';
        state = ended ? State.LINE_START : State.HELD;
        if (field.size() > MAX_FIELD) {
            byte[] bytes = field.toByteArray();
            field.reset();
            held = false;
            next.write(bytes, 0, bytes.length);
            state = ended ? State.LINE_START : State.PASSING;
        }
    }

    private void complete() {
        held = false;
        if (field.size() == 0) {
            return;
        }
        byte[] held = field.toByteArray();
        field.reset();
        if (startsWithName(held)) {
            String raw = new String(held, name.length, held.length - name.length, StandardCharsets.US_ASCII);
            value = raw.replace("\r\n", "").replace("\n", "").strip();
            return;
        }
        next.write(held, 0, held.length);
    }

    private boolean startsWithName(byte[] held) {
        if (held.length < name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            byte c = held[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** The end of the content: a field still held (a message that is all header) is completed. */
    public void finish() {
        if (state != State.BODY) {
            complete();
        }
    }
}
