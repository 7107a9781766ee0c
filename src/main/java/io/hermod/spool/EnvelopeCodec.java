package io.hermod.spool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The envelope's stored form: a version byte, then fixed fields, then the recipients, and (version 2,
 * written only for a message with tags) the tenant, campaign and pool ("" for none). Strings are
 * UTF-8 with a length prefix (modified UTF-8 of {@code DataOutputStream.writeUTF} would cap them at
 * 64 KiB and mangle NUL, so it is not used).
 */
final class EnvelopeCodec {

    private static final int VERSION = 1;
    private static final int TAGGED_VERSION = 2;
    /** Recipient states: 1 without a category, 2 with one (read both). */
    private static final int STATE_VERSION = 2;
    private static final RecipientState[] STATES = RecipientState.values();

    private EnvelopeCodec() {
    }

    static byte[] encode(Envelope e) {
        Out out = new Out(96 + 48 * e.recipients().size());
        boolean tagged = !e.tags().isEmpty();
        out.u8(tagged ? TAGGED_VERSION : VERSION);
        out.i64(e.id().value());
        out.string(e.sender());
        out.i64(e.arrivalMillis());
        out.i64(e.bodySize());
        out.i32(e.chunkCount());
        out.u8((e.eightBit() ? 1 : 0) | (e.smtpUtf8() ? 2 : 0) | (e.prefixed() ? 4 : 0));
        out.string(e.clientName());
        out.string(e.clientAddress());
        out.i32(e.recipients().size());
        for (Recipient r : e.recipients()) {
            out.string(r.address());
            out.u8(r.state().ordinal());
            out.i32(r.attempts());
            out.i64(r.nextAttemptMillis());
            out.string(r.lastResult());
        }
        if (tagged) {
            out.string(orEmpty(e.tags().tenant()));
            out.string(orEmpty(e.tags().campaign()));
            out.string(orEmpty(e.tags().pool()));
        }
        return out.toArray();
    }

    static Envelope decode(byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            int version = Byte.toUnsignedInt(in.get());
            if (version != VERSION && version != TAGGED_VERSION) {
                throw new IllegalStateException("unknown envelope version " + version);
            }
            MessageId id = new MessageId(in.getLong());
            String sender = getString(in);
            long arrival = in.getLong();
            long bodySize = in.getLong();
            int chunks = in.getInt();
            int flags = Byte.toUnsignedInt(in.get());
            String clientName = getString(in);
            String clientAddress = getString(in);
            int count = in.getInt();
            if (count < 0 || count > in.remaining()) {
                throw new IllegalArgumentException("recipient count " + count);
            }
            List<Recipient> recipients = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                recipients.add(new Recipient(getString(in), state(in.get()), in.getInt(), in.getLong(), getString(in)));
            }
            MessageTags tags = version == TAGGED_VERSION
                    ? new MessageTags(getString(in), getString(in), getString(in)) : MessageTags.NONE;
            return new Envelope(id, sender, recipients, arrival, bodySize, chunks, (flags & 1) != 0,
                    (flags & 2) != 0, clientName, clientAddress, false, (flags & 4) != 0, tags);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt envelope", e);
        }
    }

    static byte[] encodeState(Recipient r) {
        Out out = new Out(32 + r.lastResult().length());
        out.u8(STATE_VERSION);
        out.u8(r.state().ordinal());
        out.i32(r.attempts());
        out.i64(r.nextAttemptMillis());
        out.string(r.lastResult());
        out.string(r.category());
        return out.toArray();
    }

    static Recipient decodeState(String address, byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            int version = Byte.toUnsignedInt(in.get());
            if (version != 1 && version != STATE_VERSION) {
                throw new IllegalStateException("unknown recipient state version " + version);
            }
            return new Recipient(address, state(in.get()), in.getInt(), in.getLong(), getString(in),
                    version == 1 ? "" : getString(in));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt recipient state", e);
        }
    }

    private static RecipientState state(byte ordinal) {
        int i = Byte.toUnsignedInt(ordinal);
        if (i >= STATES.length) {
            throw new IllegalArgumentException("recipient state " + i);
        }
        return STATES[i];
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The stored form's writer: big-endian fields and length-prefixed UTF-8 strings (what
     * DataOutputStream wrote here before, without its locks) into an array that grows.
     */
    private static final class Out {
        private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        private byte[] buf;
        private int length;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void u8(int v) {
            ensure(1);
            buf[length++] = (byte) v;
        }

        void i32(int v) {
            ensure(Integer.BYTES);
            INTS.set(buf, length, v);
            length += Integer.BYTES;
        }

        void i64(long v) {
            ensure(Long.BYTES);
            LONGS.set(buf, length, v);
            length += Long.BYTES;
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            i32(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, length, utf8.length);
            length += utf8.length;
        }

        byte[] toArray() {
            return length == buf.length ? buf : Arrays.copyOf(buf, length);
        }

        private void ensure(int more) {
            if (length + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
            }
        }
    }

    private static String getString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("string length " + length);
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }
}
