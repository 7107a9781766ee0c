package io.hermod.spool;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        List<Recipient> recipients = e.recipients();
        boolean tagged = !e.tags().isEmpty();
        byte[] sender = utf8(e.sender());
        byte[] clientName = utf8(e.clientName());
        byte[] clientAddress = utf8(e.clientAddress());
        byte[][] texts = new byte[2 * recipients.size()][];
        int size = 1 + 8 + 4 + sender.length + 8 + 8 + 4 + 1 + 4 + clientName.length + 4 + clientAddress.length + 4;
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            texts[2 * i] = utf8(r.address());
            texts[2 * i + 1] = utf8(r.lastResult());
            size += 4 + texts[2 * i].length + 1 + 4 + 8 + 4 + texts[2 * i + 1].length;
        }
        byte[] tenant = tagged ? utf8(orEmpty(e.tags().tenant())) : null;
        byte[] campaign = tagged ? utf8(orEmpty(e.tags().campaign())) : null;
        byte[] pool = tagged ? utf8(orEmpty(e.tags().pool())) : null;
        if (tagged) {
            size += 12 + tenant.length + campaign.length + pool.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) (tagged ? TAGGED_VERSION : VERSION));
        out.putLong(e.id().value());
        putString(out, sender);
        out.putLong(e.arrivalMillis());
        out.putLong(e.bodySize());
        out.putInt(e.chunkCount());
        out.put((byte) ((e.eightBit() ? 1 : 0) | (e.smtpUtf8() ? 2 : 0) | (e.prefixed() ? 4 : 0)));
        putString(out, clientName);
        putString(out, clientAddress);
        out.putInt(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            putString(out, texts[2 * i]);
            out.put((byte) r.state().ordinal());
            out.putInt(r.attempts());
            out.putLong(r.nextAttemptMillis());
            putString(out, texts[2 * i + 1]);
        }
        if (tagged) {
            putString(out, tenant);
            putString(out, campaign);
            putString(out, pool);
        }
        return out.array();
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
        byte[] lastResult = utf8(r.lastResult());
        byte[] category = utf8(r.category());
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 4 + 8 + 4 + lastResult.length + 4 + category.length);
        out.put((byte) STATE_VERSION);
        out.put((byte) r.state().ordinal());
        out.putInt(r.attempts());
        out.putLong(r.nextAttemptMillis());
        putString(out, lastResult);
        putString(out, category);
        return out.array();
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putInt(utf8.length);
        out.put(utf8);
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
