package io.hermod.spool;

import java.util.List;

/**
 * Everything about a spooled message but its bytes.
 *
 * @param sender       the reverse-path without brackets; empty for the null sender {@code <>}
 * @param bodySize     octets stored in the body chunks
 * @param chunkCount   number of body chunks
 * @param eightBit     the client declared {@code BODY=8BITMIME}
 * @param smtpUtf8     the client declared {@code SMTPUTF8}
 * @param clientName   the HELO/EHLO name, for the record
 * @param clientAddress the client's IP address, for the record
 * @param delayReported the one delay report ({@code queue.delay_warning}) has gone out; stored apart
 *                      from the envelope by {@link Spool#markDelayReported}
 * @param prefixed      the body starts with header fields written at acceptance (the DKIM signatures),
 *                      stored as a chunk of their own ({@link Spool#PREFIX_CHUNK}) and counted in
 *                      {@code bodySize} but not in {@code chunkCount}
 * @param tags          tenant, campaign and egress pool (a batch injection, the API's {@code pool},
 *                      {@code X-Hermod-Pool}); {@link MessageTags#NONE} otherwise
 */
public record Envelope(MessageId id, String sender, List<Recipient> recipients, long arrivalMillis,
                       long bodySize, int chunkCount, boolean eightBit, boolean smtpUtf8,
                       String clientName, String clientAddress, boolean delayReported,
                       boolean prefixed, MessageTags tags) {

    public Envelope {
        recipients = List.copyOf(recipients);
        tags = tags == null ? MessageTags.NONE : tags;
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope has at least one recipient");
        }
    }

    /** An envelope without tags. */
    public Envelope(MessageId id, String sender, List<Recipient> recipients, long arrivalMillis,
                    long bodySize, int chunkCount, boolean eightBit, boolean smtpUtf8,
                    String clientName, String clientAddress, boolean delayReported, boolean prefixed) {
        this(id, sender, recipients, arrivalMillis, bodySize, chunkCount, eightBit, smtpUtf8, clientName,
                clientAddress, delayReported, prefixed, MessageTags.NONE);
    }

    /** An envelope whose delay report has not gone out: what intake commits. */
    public Envelope(MessageId id, String sender, List<Recipient> recipients, long arrivalMillis,
                    long bodySize, int chunkCount, boolean eightBit, boolean smtpUtf8,
                    String clientName, String clientAddress) {
        this(id, sender, recipients, arrivalMillis, bodySize, chunkCount, eightBit, smtpUtf8, clientName,
                clientAddress, false, false, null);
    }

    /** Chunks a reader sends in order: the prefix, when there is one, then the body chunks. */
    public int storedChunks() {
        return chunkCount + (prefixed ? 1 : 0);
    }

    /** The same message, its body starting with a prefix of {@code length} octets (see {@code prefixed}). */
    public Envelope withPrefix(int length) {
        return new Envelope(id, sender, recipients, arrivalMillis, bodySize + length, chunkCount, eightBit, smtpUtf8,
                clientName, clientAddress, delayReported, length > 0, tags);
    }

    /** The same message with the tags of a batch injection. */
    public Envelope withTags(MessageTags given) {
        return new Envelope(id, sender, recipients, arrivalMillis, bodySize, chunkCount, eightBit, smtpUtf8,
                clientName, clientAddress, delayReported, prefixed, given);
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }

    /** True when no recipient is left to deliver, bounce or expire. */
    public boolean isFinal() {
        return recipients.stream().allMatch(r -> r.state().isFinal());
    }

    public Envelope withRecipients(List<Recipient> updated) {
        return new Envelope(id, sender, updated, arrivalMillis, bodySize, chunkCount, eightBit, smtpUtf8,
                clientName, clientAddress, delayReported, prefixed, tags);
    }

    public Envelope withDelayReported() {
        return new Envelope(id, sender, recipients, arrivalMillis, bodySize, chunkCount, eightBit, smtpUtf8,
                clientName, clientAddress, true, prefixed, tags);
    }

    /** The egress pool the message asked for; null to let shaping choose by sender domain. */
    public String pool() {
        return tags.pool();
    }

    /** The same message, sent through egress pool {@code name} (null: chosen by sender domain). */
    public Envelope withPool(String name) {
        return withTags(new MessageTags(tags.tenant(), tags.campaign(), name));
    }
}
