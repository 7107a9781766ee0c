package io.hermod.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope's stored form: a version byte, then fixed fields, then the recipients, and (version 2,
 * written only for a message with tags) the tenant, campaign and pool ("" for none). Strings are
 * UTF-8 with a length prefix (modified UTF-8 of {@link DataOutputStream#writeUTF} would cap them at
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + 48 * e.recipients().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(e.tags().isEmpty() ? VERSION : TAGGED_VERSION);
            out.writeLong(e.id().value());
            writeString(out, e.sender());
            out.writeLong(e.arrivalMillis());
            out.writeLong(e.bodySize());
            out.writeInt(e.chunkCount());
            out.writeByte((e.eightBit() ? 1 : 0) | (e.smtpUtf8() ? 2 : 0) | (e.prefixed() ? 4 : 0));
            writeString(out, e.clientName());
            writeString(out, e.clientAddress());
            out.writeInt(e.recipients().size());
            for (Recipient r : e.recipients()) {
                writeString(out, r.address());
                out.writeByte(r.state().ordinal());
                out.writeInt(r.attempts());
                out.writeLong(r.nextAttemptMillis());
                writeString(out, r.lastResult());
            }
            if (!e.tags().isEmpty()) {
                writeString(out, orEmpty(e.tags().tenant()));
                writeString(out, orEmpty(e.tags().campaign()));
                writeString(out, orEmpty(e.tags().pool()));
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    static Envelope decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != TAGGED_VERSION) {
                throw new IllegalStateException("unknown envelope version " + version);
            }
            MessageId id = new MessageId(in.readLong());
            String sender = readString(in);
            long arrival = in.readLong();
            long bodySize = in.readLong();
            int chunks = in.readInt();
            int flags = in.readUnsignedByte();
            String clientName = readString(in);
            String clientAddress = readString(in);
            int count = in.readInt();
            List<Recipient> recipients = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                recipients.add(new Recipient(readString(in), STATES[in.readUnsignedByte()], in.readInt(),
                        in.readLong(), readString(in)));
            }
            MessageTags tags = version == TAGGED_VERSION
                    ? new MessageTags(readString(in), readString(in), readString(in)) : MessageTags.NONE;
            return new Envelope(id, sender, recipients, arrival, bodySize, chunks, (flags & 1) != 0,
                    (flags & 2) != 0, clientName, clientAddress, false, (flags & 4) != 0, tags);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt envelope", e);
        }
    }

    static byte[] encodeState(Recipient r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + r.lastResult().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(STATE_VERSION);
            out.writeByte(r.state().ordinal());
            out.writeInt(r.attempts());
            out.writeLong(r.nextAttemptMillis());
            writeString(out, r.lastResult());
            writeString(out, r.category());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    static Recipient decodeState(String address, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != 1 && version != STATE_VERSION) {
                throw new IllegalStateException("unknown recipient state version " + version);
            }
            return new Recipient(address, STATES[in.readUnsignedByte()], in.readInt(), in.readLong(), readString(in),
                    version == 1 ? "" : readString(in));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt recipient state", e);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }
}
