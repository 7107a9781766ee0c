package io.hermod.cluster.handoff;

import io.hermod.spool.MessageTags;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/v1/admin/transfer}: a batch of {@link TransferredMessage}s, binary,
 * big-endian. {@code "HXFR"}, a version byte, the message count, then per message: the transfer
 * id, sender, arrival time, a flags byte (8BITMIME, SMTPUTF8, delay reported, has tags),
 * HELO name, client address, [tenant, campaign, pool: "" for none], the recipients (address, state, attempts, next attempt,
 * last result, category), the prefix (length, octets) and the body chunks (count, then length and
 * octets each). Strings are UTF-8 with an int length. Binary rather than JSON so the body bytes
 * travel as they are stored, with no base64 and no copy into a string.
 *
 * <p>{@link #decode} trusts nothing: every length is checked against what is left and against the
 * receiver's limits before anything is allocated, so a bad batch is refused whole.
 */
public final class TransferCodec {

    public static final String CONTENT_TYPE = "application/vnd.hermod.transfer";
    private static final byte[] MAGIC = {'H', 'X', 'F', 'R'};
    private static final int VERSION = 1;
    private static final RecipientState[] STATES = RecipientState.values();
    /** Messages per batch the receiver takes at most. */
    public static final int MAX_MESSAGES = 10_000;
    /** A string field: far above any address, reply or HELO name, far below a memory problem. */
    static final int MAX_STRING = 64 * 1024;
    private static final int MAX_RECIPIENTS = 100_000;

    private TransferCodec() {
    }

    public static byte[] encode(List<TransferredMessage> messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate(messages));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(messages.size());
            for (TransferredMessage m : messages) {
                writeString(out, m.transferId());
                writeString(out, m.sender());
                out.writeLong(m.arrivalMillis());
                out.writeByte((m.eightBit() ? 1 : 0) | (m.smtpUtf8() ? 2 : 0) | (m.delayReported() ? 4 : 0)
                        | (!m.tags().isEmpty() ? 8 : 0));
                writeString(out, m.clientName());
                writeString(out, m.clientAddress());
                if (!m.tags().isEmpty()) {
                    writeString(out, orEmpty(m.tags().tenant()));
                    writeString(out, orEmpty(m.tags().campaign()));
                    writeString(out, orEmpty(m.tags().pool()));
                }
                out.writeInt(m.recipients().size());
                for (Recipient r : m.recipients()) {
                    writeString(out, r.address());
                    out.writeByte(r.state().ordinal());
                    out.writeInt(r.attempts());
                    out.writeLong(r.nextAttemptMillis());
                    writeString(out, r.lastResult());
                    writeString(out, r.category());
                }
                out.writeInt(m.prefix().length);
                out.write(m.prefix());
                out.writeInt(m.chunks().size());
                for (byte[] chunk : m.chunks()) {
                    out.writeInt(chunk.length);
                    out.write(chunk);
                }
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** About the encoded size, so the stream does not grow by copying. */
    static int estimate(List<TransferredMessage> messages) {
        long size = 16;
        for (TransferredMessage m : messages) {
            size += 256 + m.bodySize() + 4L * m.chunks().size() + 96L * m.recipients().size();
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 16);
    }

    /**
     * Reads a batch; throws {@link TransferFormatException} (a 400) for anything malformed, and
     * {@link TooLarge} (a 413) for a message whose body exceeds {@code maxBodySize}.
     */
    public static List<TransferredMessage> decode(ByteBuffer in, long maxBodySize) {
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new TransferFormatException("not a transfer batch (content must start with HXFR)");
            }
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new TransferFormatException("unknown transfer version " + version);
            }
            int count = in.getInt();
            if (count < 1 || count > MAX_MESSAGES) {
                throw new TransferFormatException("message count must be between 1 and " + MAX_MESSAGES + ", got " + count);
            }
            List<TransferredMessage> messages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                messages.add(message(in, maxBodySize, i));
            }
            if (in.hasRemaining()) {
                throw new TransferFormatException(in.remaining() + " octets after the last message");
            }
            return messages;
        } catch (BufferUnderflowException e) {
            throw new TransferFormatException("batch cut short");
        }
    }

    private static TransferredMessage message(ByteBuffer in, long maxBodySize, int index) {
        String where = "message " + index + ": ";
        String transferId = string(in, where + "transfer id");
        if (transferId.isEmpty() || transferId.indexOf(':') < 0) {
            throw new TransferFormatException(where + "transfer id must be origin:id");
        }
        String sender = string(in, where + "sender");
        long arrival = in.getLong();
        int flags = in.get() & 0xff;
        if ((flags & ~15) != 0) {
            throw new TransferFormatException(where + "unknown flags " + flags);
        }
        String clientName = string(in, where + "client name");
        String clientAddress = string(in, where + "client address");
        MessageTags tags = (flags & 8) != 0 ? new MessageTags(string(in, where + "tenant"),
                string(in, where + "campaign"), string(in, where + "pool")) : MessageTags.NONE;
        int recipientCount = in.getInt();
        if (recipientCount < 1 || recipientCount > MAX_RECIPIENTS) {
            throw new TransferFormatException(where + "recipient count must be between 1 and " + MAX_RECIPIENTS
                    + ", got " + recipientCount);
        }
        List<Recipient> recipients = new ArrayList<>(Math.min(recipientCount, 1024));
        for (int r = 0; r < recipientCount; r++) {
            String address = string(in, where + "recipient " + r);
            if (address.isEmpty() || address.indexOf('@') < 1) {
                throw new TransferFormatException(where + "recipient " + r + " is not an address");
            }
            int state = in.get() & 0xff;
            if (state >= STATES.length) {
                throw new TransferFormatException(where + "recipient " + r + " has unknown state " + state);
            }
            int attempts = in.getInt();
            if (attempts < 0) {
                throw new TransferFormatException(where + "recipient " + r + " has negative attempts");
            }
            long next = in.getLong();
            recipients.add(new Recipient(address, STATES[state], attempts, next, string(in, where + "last result"),
                    string(in, where + "category")));
        }
        // Chunks are as the sender's spool holds them (intake writes Spool.CHUNK_SIZE, a bounce one
        // chunk of any size): only the whole body is bounded.
        int maxChunk = (int) Math.min(maxBodySize, Integer.MAX_VALUE - 16);
        long size = 0;
        byte[] prefix = octets(in, in.getInt(), maxChunk, where + "prefix");
        size += prefix.length;
        int chunkCount = in.getInt();
        if (chunkCount < 1) {
            throw new TransferFormatException(where + "a message has at least one body chunk, got " + chunkCount);
        }
        if (chunkCount > maxBodySize) {
            throw new TooLarge(where + chunkCount + " body chunks, more than a body of at most " + maxBodySize
                    + " octets has");
        }
        List<byte[]> chunks = new ArrayList<>(Math.min(chunkCount, 1024));
        for (int c = 0; c < chunkCount; c++) {
            int length = in.getInt();
            if (length < 1) {
                throw new TransferFormatException(where + "chunk " + c + " is empty");
            }
            size += length;
            if (length > maxChunk || size > maxBodySize) {
                throw new TooLarge(where + "body larger than " + maxBodySize + " octets");
            }
            chunks.add(octets(in, length, maxChunk, where + "chunk " + c));
        }
        return new TransferredMessage(transferId, sender, recipients, arrival, (flags & 1) != 0, (flags & 2) != 0,
                (flags & 4) != 0, clientName, clientAddress, tags, prefix, chunks);
    }

    private static byte[] octets(ByteBuffer in, int length, int max, String what) {
        if (length < 0 || length > max) {
            throw new TransferFormatException(what + ": length must be between 0 and " + max + ", got " + length);
        }
        if (length > in.remaining()) {
            throw new TransferFormatException(what + ": cut short");
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    private static String string(ByteBuffer in, String what) {
        byte[] utf8 = octets(in, in.getInt(), MAX_STRING, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new TransferFormatException(what + ": not UTF-8");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** A malformed batch: the receiver answers 400 and commits nothing. */
    public static class TransferFormatException extends RuntimeException {
        public TransferFormatException(String message) {
            super(message);
        }
    }

    /** A message over the receiver's size limit: 413, nothing committed. */
    public static final class TooLarge extends TransferFormatException {
        public TooLarge(String message) {
            super(message);
        }
    }
}
