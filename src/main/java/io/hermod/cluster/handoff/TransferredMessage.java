package io.hermod.cluster.handoff;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageTags;
import io.hermod.spool.Recipient;
import java.util.List;

/**
 * One queued message as it travels from a leaving pod to its peer: the envelope without the local
 * id, every recipient's state, and the stored bytes (the prefix chunk, when the message has one,
 * then the body chunks as the spool holds them).
 *
 * @param transferId the sender spool's identity, a colon and the sender's message id: the same
 *                   message sent twice has the same one
 * @param prefix     the prefix chunk (DKIM signatures written at acceptance); empty for none
 * @param chunks     the body chunks as the sender's spool holds them (intake's are at most
 *                   {@link io.hermod.spool.Spool#CHUNK_SIZE} octets)
 * @param tags       tenant, campaign and egress pool ({@link MessageTags#NONE} when none)
 */
public record TransferredMessage(String transferId, String sender, List<Recipient> recipients, long arrivalMillis,
                                 boolean eightBit, boolean smtpUtf8, boolean delayReported, String clientName,
                                 String clientAddress, MessageTags tags, byte[] prefix, List<byte[]> chunks) {

    public TransferredMessage {
        recipients = List.copyOf(recipients);
        chunks = List.copyOf(chunks);
        prefix = prefix == null ? new byte[0] : prefix;
        tags = tags == null ? MessageTags.NONE : tags;
    }

    /** The message {@code envelope} holds, with its stored prefix and chunks, from the spool named {@code origin}. */
    public static TransferredMessage of(String origin, Envelope envelope, byte[] prefix, List<byte[]> chunks) {
        return new TransferredMessage(origin + ":" + envelope.id(), envelope.sender(), envelope.recipients(),
                envelope.arrivalMillis(), envelope.eightBit(), envelope.smtpUtf8(), envelope.delayReported(),
                envelope.clientName(), envelope.clientAddress(), envelope.tags(), prefix, chunks);
    }

    /** Octets stored for the message: the prefix and every body chunk. */
    public long bodySize() {
        long size = prefix.length;
        for (byte[] chunk : chunks) {
            size += chunk.length;
        }
        return size;
    }

    /** The envelope the receiver commits it under, with its own new {@code id}. */
    public Envelope envelope(MessageId id) {
        return new Envelope(id, sender, recipients, arrivalMillis, bodySize(), chunks.size(), eightBit, smtpUtf8,
                clientName, clientAddress, delayReported, prefix.length > 0, tags);
    }

    /** True when no recipient is left to deliver: nothing to commit. */
    public boolean isFinal() {
        return recipients.stream().allMatch(r -> r.state().isFinal());
    }
}
