package io.hermod.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery's place in the spool's schedule: the recipients of one message at one domain that
 * are due at one time. Every recipient still to be delivered is in exactly one slot, so the
 * schedule alone says what is queued where and when, and a queue can leave on disk what is not
 * due yet.
 *
 * <p>Key: the domain (UTF-8, lower case), a 0 octet, the due time and the message id (8 octets
 * each, big-endian), the first recipient's index (4 octets): a domain's slots are one range, in due
 * order. Value: when the slot was written, its recipients' count (times 2, plus 1 when the slot
 * is {@link #fresh}) and indexes, as variable-length integers.
 */
public final class Slot {

    private final String domain;
    private final long dueMillis;
    private final MessageId id;
    private final int[] recipients;
    private final long writtenMillis;
    private final boolean fresh;

    public Slot(String domain, long dueMillis, MessageId id, List<Integer> recipients, long writtenMillis) {
        this(domain, dueMillis, id, recipients.stream().mapToInt(Integer::intValue).toArray(), writtenMillis, false);
    }

    private Slot(String domain, long dueMillis, MessageId id, int[] recipients, long writtenMillis, boolean fresh) {
        if (recipients.length == 0) {
            throw new IllegalArgumentException("a slot has at least one recipient");
        }
        this.domain = domain;
        this.dueMillis = Math.max(0, dueMillis);
        this.id = id;
        this.recipients = recipients;
        this.writtenMillis = writtenMillis;
        this.fresh = fresh;
    }

    /**
     * The slots a newly committed message takes: one per domain with recipients still to deliver,
     * due when the latest of them is (0 for new mail).
     */
    public static List<Slot> of(Envelope envelope, long nowMillis) {
        List<Slot> slots = new ArrayList<>(1);
        List<Recipient> all = envelope.recipients();
        if (all.size() == 1) {
            Recipient only = all.get(0);
            if (!only.state().isFinal()) {
                slots.add(new Slot(only.domain(), only.nextAttemptMillis(), envelope.id(), new int[] {0}, nowMillis,
                        true));
            }
            return slots;
        }
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).state().isFinal()) {
                byDomain.computeIfAbsent(all.get(i).domain(), d -> new ArrayList<>()).add(i);
            }
        }
        byDomain.forEach((domain, indexes) -> {
            long due = 0;
            for (int i : indexes) {
                due = Math.max(due, all.get(i).nextAttemptMillis());
            }
            slots.add(new Slot(domain, due, envelope.id(), indexes.stream().mapToInt(Integer::intValue).toArray(),
                    nowMillis, true));
        });
        return slots;
    }

    public String domain() {
        return domain;
    }

    public long dueMillis() {
        return dueMillis;
    }

    public MessageId id() {
        return id;
    }

    public long writtenMillis() {
        return writtenMillis;
    }

    public List<Integer> recipients() {
        List<Integer> list = new ArrayList<>(recipients.length);
        for (int r : recipients) {
            list.add(r);
        }
        return list;
    }

    /** The same recipients, due at {@code due}, written at {@code now}. */
    public Slot at(long due, List<Integer> indexes, long now) {
        return new Slot(domain, due, id, indexes, now);
    }

    /**
     * Written by the commit of its message (not moved since): while the process that committed it
     * runs, its delivery is in memory (or on its way there from intake), so reads pass over it;
     * after a restart it is read like any other.
     */
    public boolean fresh() {
        return fresh;
    }

    /** The slot's key in the schedule family. */
    public byte[] key() {
        byte[] name = domain.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 21).put(name).put((byte) 0).putLong(dueMillis).putLong(id.value())
                .putInt(recipients[0]).array();
    }

    /** Whether this slot comes before {@code position} (a key, as {@link Spool.DueBatch#cursor()} gives) in the schedule. */
    public boolean before(byte[] position) {
        return Arrays.compareUnsigned(key(), position) < 0;
    }

    /** The first key of {@code domain}'s range. */
    static byte[] domainStart(String domain) {
        byte[] name = domain.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(name, name.length + 1);
    }

    /** The first key after {@code domain}'s range. */
    static byte[] domainEnd(String domain) {
        byte[] start = domainStart(domain);
        start[start.length - 1] = 1;
        return start;
    }

    byte[] value() {
        ByteBuffer out = ByteBuffer.allocate(10 + 5 * (recipients.length + 1));
        putVarLong(out, writtenMillis);
        putVarLong(out, ((long) recipients.length << 1) | (fresh ? 1 : 0));
        for (int r : recipients) {
            putVarLong(out, r);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The domain a key belongs to (its octets before the 0). */
    static String domainOf(byte[] key) {
        return new String(key, 0, key.length - 21, StandardCharsets.UTF_8);
    }

    static long dueOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 20, 8).getLong();
    }

    /** When the slot's message arrived, from its id (see {@link MessageId}). */
    static long arrivalOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 12, 8).getLong() >>> MessageId.SEQUENCE_BITS;
    }

    static Slot decode(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key, key.length - 20, 20);
        long due = k.getLong();
        MessageId id = new MessageId(k.getLong());
        ByteBuffer v = ByteBuffer.wrap(value);
        long written = getVarLong(v);
        long countAndFresh = getVarLong(v);
        int[] recipients = new int[(int) (countAndFresh >>> 1)];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = (int) getVarLong(v);
        }
        return new Slot(domainOf(key), due, id, recipients, written, (countAndFresh & 1) != 0);
    }

    private static void putVarLong(ByteBuffer out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static long getVarLong(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    /** Slots are the same place in the schedule when their keys are: domain, due time, message, first recipient. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Slot s && s.dueMillis == dueMillis && s.id.equals(id) && s.recipients[0] == recipients[0]
                && s.domain.equals(domain);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id.value()) * 31 + Long.hashCode(dueMillis) * 17 + recipients[0];
    }

    @Override
    public String toString() {
        return domain + "@" + dueMillis + "/" + id + "#" + Arrays.toString(recipients);
    }
}
