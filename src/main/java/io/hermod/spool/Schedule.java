package io.hermod.spool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The queue's due-time index, kept in the spool's {@code schedule} family (see {@link Slot} for
 * the keys): moves written through the spool's writer, reads of a domain's due slots, the
 * start-up scan, and the one-time build for a spool from before it existed.
 */
public final class Schedule {

    private static final System.Logger LOG = System.getLogger(Schedule.class.getName());

    private final Spool spool;
    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final ColumnFamilyHandle envelopes;
    private final ColumnFamilyHandle defaultFamily;
    private final ColumnFamilyHandle bodies;
    private final ColumnFamilyHandle recipientStates;
    private final GroupCommitWriter writer;

    Schedule(Spool spool, RocksDB db, ColumnFamilyHandle family, ColumnFamilyHandle envelopes,
             ColumnFamilyHandle defaultFamily, ColumnFamilyHandle bodies, ColumnFamilyHandle recipientStates,
             GroupCommitWriter writer) {
        this.spool = spool;
        this.db = db;
        this.family = family;
        this.envelopes = envelopes;
        this.defaultFamily = defaultFamily;
        this.bodies = bodies;
        this.recipientStates = recipientStates;
        this.writer = writer;
    }

    /**
     * Replaces slot {@code old} (none when null) by {@code replacements}, in one write: a delivery
     * moved to a later time, split, or finished (no replacements) is never in two places or none.
     * Replacements are not written for a message removed earlier in the same batch; completes with
     * whether they were.
     */
    public CompletableFuture<Boolean> reschedule(Slot old, List<Slot> replacements) {
        byte[] oldKey = old == null ? null : old.key();
        byte[][] keys = new byte[replacements.size()][];
        byte[][] values = new byte[replacements.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = replacements.get(i).key();
            values[i] = replacements.get(i).value();
        }
        MessageId id = old != null ? old.id() : replacements.isEmpty() ? null : replacements.get(0).id();
        boolean[] written = new boolean[1];
        return writer.submit(batch -> {
            if (oldKey != null) {
                batch.writes().delete(family, oldKey);
            }
            // Not a point lookup of the envelope (the writer is the spool's bottleneck when a long queue
            // is retried): a slot written for a message deleted in an earlier batch is stale, and the
            // read that finds it removes it.
            if (keys.length > 0 && !batch.removedEarlier(id)) {
                for (int i = 0; i < keys.length; i++) {
                    batch.writes().put(family, keys[i], values[i]);
                }
                written[0] = true;
            }
        }, 64L * (keys.length + 1), true).thenApply(v -> written[0]);
    }

    /**
     * A slot read from the schedule ({@code slot} as stored: its key is what a move deletes), the
     * recipients of it still pending, and its message as stored now.
     */
    public record Due(Slot slot, List<Integer> pending, Envelope envelope) {
    }

    /**
     * What {@link #readDue} found: the due slots (their recipients narrowed to those still pending),
     * how many stale slots it removed (their message gone or their recipients final), where to go on
     * ({@code cursor}, null at the end of the domain), and the due time of the first slot it left
     * ({@code Long.MAX_VALUE} when none is left, 0 when more may be due now). {@code failed}: the
     * read did not happen (the spool could not be read); nothing is known.
     */
    public record DueBatch(List<Due> found, int stale, byte[] cursor, long nextDueMillis, boolean failed) {
        public DueBatch(List<Due> found, int stale, byte[] cursor, long nextDueMillis) {
            this(found, stale, cursor, nextDueMillis, false);
        }

        /** A read that could not be made. */
        public static DueBatch failure() {
            return new DueBatch(List.of(), 0, null, Long.MAX_VALUE, true);
        }
    }

    /**
     * Reads up to {@code limit} slots of {@code domain} in due order, from {@code from} (null: the
     * start of the domain), that are due by {@code dueUpTo} or were written by {@code writtenUpTo}
     * (a flush or bounce takes every slot that existed when it was asked for; -1 for none), passing
     * over those {@code skip} says are already in memory. Without {@code writtenUpTo} it stops at the
     * first slot not due. Blocking: a worker's job.
     */
    public DueBatch readDue(String domain, byte[] from, long dueUpTo, long writtenUpTo, int limit,
                            Predicate<Slot> skip) {
        if (!spool.enterLongRead()) {
            return DueBatch.failure(); // closing
        }
        try {
            return readDueNow(domain, from, dueUpTo, writtenUpTo, limit, skip);
        } finally {
            spool.leaveLongRead();
        }
    }

    private DueBatch readDueNow(String domain, byte[] from, long dueUpTo, long writtenUpTo, int limit,
                                Predicate<Slot> skip) {
        List<Due> found = new ArrayList<>();
        int stale = 0;
        byte[] end = Slot.domainEnd(domain);
        try (Slice bound = new Slice(end);
             ReadOptions options = new ReadOptions().setIterateUpperBound(bound);
             RocksIterator it = db.newIterator(family, options)) {
            it.seek(from != null ? from : Slot.domainStart(domain));
            for (; it.isValid(); it.next()) {
                byte[] key = it.key();
                long due = Slot.dueOf(key);
                if (writtenUpTo < 0 && due > dueUpTo) {
                    return new DueBatch(found, stale, key, due);
                }
                Slot slot = Slot.decode(key, it.value());
                if ((due > dueUpTo && slot.writtenMillis() > writtenUpTo) || skip.test(slot)
                        || (slot.fresh() && slot.id().compareTo(spool.firstIdOfThisRun()) >= 0)) {
                    continue; // not due, in memory, or new mail this process has in memory (or soon will)
                }
                if (found.size() == limit) {
                    return new DueBatch(found, stale, key, 0);
                }
                byte[] stored = db.get(envelopes, slot.id().toKey());
                Envelope envelope = stored == null ? null : spool.withStatesOf(EnvelopeCodec.decode(stored), slot.recipients());
                List<Integer> pending = new ArrayList<>();
                if (envelope != null) {
                    for (int i : slot.recipients()) {
                        if (i < envelope.recipients().size() && !envelope.recipients().get(i).state().isFinal()) {
                            pending.add(i);
                        }
                    }
                }
                if (pending.isEmpty()) {
                    stale++;
                    reschedule(slot, List.of());
                    continue;
                }
                found.add(new Due(slot, pending, envelope));
            }
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read the schedule of " + domain, e);
        }
        return new DueBatch(found, stale, null, Long.MAX_VALUE);
    }

    /** What the start-up scan found for one domain: its slots and the earliest due time among them. */
    public record DomainCount(String domain, int slots, long firstDueMillis, long oldestMillis) {
    }

    /**
     * The start-up scan of the schedule, over the spool as it was when this was called (later writes
     * are not seen): {@link #run} hands over one {@link DomainCount} per domain as soon as that
     * domain's range has been read, then counts the stored messages (so that {@link #messages()} is
     * exact), then removes body chunks and states no stored message owns. Make it before anything is
     * written; run it on a thread of its own.
     */
    public final class Scan {
        private final Snapshot snapshot = db.getSnapshot();

        private Scan() {
        }

        /** Blocking. Returns the number of stored messages. */
        public long run(Consumer<DomainCount> each) {
            if (!spool.enterLongRead()) {
                db.releaseSnapshot(snapshot);
                return -1;
            }
            try (ReadOptions options = new ReadOptions().setSnapshot(snapshot)) {
                try (RocksIterator it = db.newIterator(family, options)) {
                    byte[] domainKey = null;
                    int count = 0;
                    long first = 0;
                    long oldest = Long.MAX_VALUE;
                    for (it.seekToFirst(); it.isValid() && spool.isOpen(); it.next()) {
                        byte[] key = it.key();
                        if (domainKey == null || !sameDomain(domainKey, key)) {
                            if (domainKey != null) {
                                each.accept(new DomainCount(Slot.domainOf(domainKey), count, first, oldest));
                            }
                            domainKey = key;
                            count = 0;
                            first = Slot.dueOf(key);
                            oldest = Long.MAX_VALUE;
                        }
                        count++;
                        oldest = Math.min(oldest, Slot.arrivalOf(key));
                    }
                    if (domainKey != null) {
                        each.accept(new DomainCount(Slot.domainOf(domainKey), count, first, oldest));
                    }
                }
                long messages = 0;
                try (RocksIterator it = db.newIterator(envelopes, options)) {
                    for (it.seekToFirst(); it.isValid() && spool.isOpen(); it.next()) {
                        messages++;
                    }
                }
                spool.countedAtStart(messages);
                return messages;
            } finally {
                db.releaseSnapshot(snapshot);
                spool.leaveLongRead();
            }
        }
    }

    private static boolean sameDomain(byte[] a, byte[] b) {
        int length = a.length - 21;
        if (b.length - 21 != length) {
            return false;
        }
        return Arrays.equals(a, 0, length, b, 0, length);
    }

    /** Starts the start-up scan: its view of the spool is taken now. */
    public Scan scan() {
        return new Scan();
    }

    /** Key in the default family marking that the schedule family holds every pending recipient. */
    private static final byte[] BUILT = "schedule-v1".getBytes(StandardCharsets.US_ASCII);

    /**
     * A spool written before the schedule existed gets one, once, at its first opening: every
     * stored message is read and its pending recipients take their slots; messages whose recipients
     * are all final (a delete lost in a crash) are removed.
     */
    void buildIfMissing(long nowMillis) {
        try {
            if (db.get(defaultFamily, BUILT) != null) {
                return;
            }
            int slots = 0;
            List<MessageId> finished = new ArrayList<>();
            long now = nowMillis;
            try (RocksIterator it = db.newIterator(envelopes);
                 WriteOptions sync = new WriteOptions().setSync(true)) {
                WriteBatch batch = new WriteBatch();
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    Envelope envelope = spool.withStates(EnvelopeCodec.decode(it.value()));
                    if (envelope.isFinal()) {
                        finished.add(envelope.id());
                        continue;
                    }
                    for (Slot slot : Slot.of(envelope, now)) {
                        batch.put(family, slot.key(), slot.value());
                        slots++;
                    }
                    if (batch.count() >= 10_000) {
                        db.write(sync, batch);
                        batch.close();
                        batch = new WriteBatch();
                    }
                }
                db.write(sync, batch);
                batch.close();
            }
            // the finished messages go before the mark: after it, nothing removes them
            new LeftoverSweep(db, envelopes).removeFinished(finished, bodies, recipientStates);
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                db.put(defaultFamily, sync, BUILT, new byte[0]);
            }
            if (slots > 0 || !finished.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "spool {0}: built the schedule: {1,number,#} slots, removed {2,number,#}"
                        + " finished messages", spool.path(), slots, finished.size());
            }
        } catch (RocksDBException e) {
            throw new SpoolException("cannot build the schedule of " + spool.path(), e);
        }
    }
}
