package io.hermod.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.MutableColumnFamilyOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** The RocksDB spool; see the package documentation for its layout and guarantees. */
public final class Spool implements MessageStore, AutoCloseable {

    /** Body bytes per chunk: large enough that a typical message is one chunk, small enough to stream. */
    public static final int CHUNK_SIZE = 256 * 1024;

    /**
     * Memtable size of the bodies family. Large, because a body deleted while still in the memtable
     * (delivered within seconds, the usual case) is never written to an SST file at all.
     */
    static final long BODY_WRITE_BUFFER = 64L * 1024 * 1024;

    /**
     * Memtable size of the envelopes, recipients and default families. An envelope is a few hundred
     * bytes and a recipient state a few dozen, so 8 MiB still holds tens of thousands of messages;
     * and a small family flushes often enough not to pin WAL files, which are kept until every
     * family has flushed what they hold (after 60,000 messages of 1 KB, 83 MB of WAL stayed on the
     * volume with 64 MiB here, 11 MB with 8 MiB; accepting was no slower).
     */
    static final long SMALL_WRITE_BUFFER = 8L * 1024 * 1024;

    /**
     * The free space RocksDB waits for before it writes again after running out of disk: enough for
     * thousands of typical messages, so a spool that has just recovered does not fill up at once.
     */
    static final long NO_SPACE_RESERVE = 4L * 1024 * 1024;

    /** The WAL volume after which RocksDB flushes whatever memtables still pin the oldest WAL file. */
    static final long MAX_TOTAL_WAL_SIZE = 128L * 1024 * 1024;

    /** The index under which the recipients family keeps a message's delay-report mark (no recipient has it). */
    static final int DELAY_REPORTED = Integer.MAX_VALUE;
    /** The body chunk index of a message's prefix (see {@link Envelope#prefixed()}); read first. */
    public static final int PREFIX_CHUNK = Integer.MAX_VALUE;
    private static final byte[] MARK = new byte[0];
    /** Key of {@link #identity()} in the default family. */
    private static final byte[] IDENTITY_KEY = "identity".getBytes(StandardCharsets.US_ASCII);

    private static final System.Logger LOG = System.getLogger(Spool.class.getName());

    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final Statistics statistics;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultFamily;
    private final ColumnFamilyHandle envelopes;
    private final ColumnFamilyHandle bodies;
    private final ColumnFamilyHandle recipientStates;
    private final ColumnFamilyHandle suppressionFamily;
    private final Suppressions suppressions;
    private final ColumnFamilyHandle injectionFamily;
    private final Injections injections;
    private final ColumnFamilyHandle scheduleFamily;
    private final Schedule schedule;
    private final GroupCommitWriter writer;
    private final MessageIdGenerator ids;
    private final LongSupplier clock;
    /** Stored messages: counted at start-up by {@link #scan} (null until then), then kept by commits and deletes. */
    private final AtomicLong counted = new AtomicLong(-1);
    private final AtomicLong changedSinceOpen = new AtomicLong();
    /** The first id made by this process: anything below it in the bodies family without an envelope is left over. */
    private final MessageId firstIdOfThisRun;
    private volatile boolean open = true;

    private Spool(Path path, DBOptions dbOptions, ColumnFamilyOptions cfOptions, Statistics statistics, RocksDB db,
                  List<ColumnFamilyHandle> handles, CommitListener listener, WriteHook hook, LongSupplier clock) {
        this.path = path;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.statistics = statistics;
        this.db = db;
        this.defaultFamily = handles.get(0);
        this.envelopes = handles.get(1);
        this.bodies = handles.get(2);
        this.recipientStates = handles.get(3);
        this.suppressionFamily = handles.get(4);
        this.ids = new MessageIdGenerator(highestId(), clock);
        this.writer = new GroupCommitWriter(db, defaultFamily, listener, hook);
        this.suppressions = new Suppressions(db, suppressionFamily, writer);
        this.injectionFamily = handles.get(5);
        this.injections = new Injections(db, injectionFamily, writer);
        this.scheduleFamily = handles.get(6);
        this.clock = clock;
        this.firstIdOfThisRun = new MessageId(highestId() + 1);
        this.schedule = new Schedule(this, db, scheduleFamily, envelopes, defaultFamily, bodies, recipientStates,
                writer);
        schedule.buildIfMissing(clock.getAsLong());
    }

    public static Spool open(Path path) {
        return open(path, CommitListener.NONE);
    }

    /** Opens (creating if needed) the spool at {@code path}; blocking, call it before serving. */
    public static Spool open(Path path, CommitListener listener) {
        return open(path, listener, WriteHook.NONE);
    }

    /** As {@link #open(Path, CommitListener)}, with a hook tests use to make writes fail. */
    static Spool open(Path path, CommitListener listener, WriteHook hook) {
        DBOptions dbOptions = null;
        ColumnFamilyOptions cfOptions = null;
        Statistics statistics = null;
        try {
            Files.createDirectories(path);
            statistics = new Statistics();
            dbOptions = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setStatistics(statistics)
                    .setMaxBackgroundJobs(2)
                    .setKeepLogFileNum(4)
                    // A family written rarely (suppression) would otherwise keep every WAL file since
                    // its oldest unflushed write, up to RocksDB's default of 4 x all write buffers;
                    // past this size RocksDB flushes the families that hold the oldest WAL file.
                    .setMaxTotalWalSize(MAX_TOTAL_WAL_SIZE);
            // RocksDB stops writing on ENOSPC, and RocksJava has no DB::Resume(): only RocksDB's own
            // recovery starts it again, once the free space reaches the largest write buffer the DB
            // was opened with (its SstFileManager polls every 5 s). So open with NO_SPACE_RESERVE
            // buffers, then give each family its working size.
            // Whole-key bloom filters: the schedule's reads look up an envelope and a few state records
            // per slot, most of which (no state yet, no delay mark) are not there.
            cfOptions = new ColumnFamilyOptions().setWriteBufferSize(NO_SPACE_RESERVE)
                    .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false)));
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                    new ColumnFamilyDescriptor("envelopes".getBytes(), cfOptions),
                    new ColumnFamilyDescriptor("bodies".getBytes(), cfOptions),
                    new ColumnFamilyDescriptor("recipients".getBytes(), cfOptions),
                    new ColumnFamilyDescriptor("suppression".getBytes(), cfOptions),
                    new ColumnFamilyDescriptor("injections".getBytes(), cfOptions),
                    new ColumnFamilyDescriptor("schedule".getBytes(), cfOptions));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, path.toString(), families, handles);
            try {
                for (int i = 0; i < handles.size(); i++) {
                    long size = i == 2 ? BODY_WRITE_BUFFER : SMALL_WRITE_BUFFER;
                    db.setOptions(handles.get(i), MutableColumnFamilyOptions.builder().setWriteBufferSize(size).build());
                }
            } catch (RocksDBException e) {
                handles.forEach(ColumnFamilyHandle::close);
                db.close();
                throw e;
            }
            return new Spool(path, dbOptions, cfOptions, statistics, db, handles, listener, hook,
                    System::currentTimeMillis);
        } catch (RocksDBException | java.io.IOException e) {
            if (dbOptions != null) {
                dbOptions.close();
            }
            if (cfOptions != null) {
                cfOptions.close();
            }
            if (statistics != null) {
                statistics.close();
            }
            throw new SpoolException("cannot open spool at " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * False while spool writes fail (disk full, I/O error): from the first failed batch until a write
     * succeeds again. The writer probes once a second meanwhile, so this turns true again by itself.
     */
    public boolean writable() {
        return writer.writable();
    }

    @Override
    public MessageId newId() {
        return ids.next();
    }

    @Override
    public CompletableFuture<Void> writeChunk(MessageId id, int index, byte[] chunk) {
        byte[] key = chunkKey(id, index);
        return writer.submit(batch -> batch.writes().put(bodies, key, chunk), chunk.length, false);
    }

    @Override
    public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk) {
        return commit(envelope, lastChunk, null);
    }

    @Override
    public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk, byte[] prefix) {
        if ((prefix != null && prefix.length > 0) != envelope.prefixed()) {
            throw new IllegalArgumentException("a prefix goes with an envelope marked prefixed, and only then");
        }
        byte[] key = envelope.id().toKey();
        byte[] value = EnvelopeCodec.encode(envelope);
        byte[] chunkKey = lastChunk == null ? null : chunkKey(envelope.id(), envelope.chunkCount() - 1);
        byte[] prefixKey = envelope.prefixed() ? chunkKey(envelope.id(), PREFIX_CHUNK) : null;
        long bytes = value.length + (lastChunk == null ? 0 : lastChunk.length) + (prefix == null ? 0 : prefix.length);
        List<Slot> slots = Slot.of(envelope, clock.getAsLong());
        byte[][] categorized = new byte[envelope.recipients().size()][];
        for (int i = 0; i < categorized.length; i++) {
            Recipient r = envelope.recipients().get(i);
            if (!r.category().isEmpty()) {
                categorized[i] = EnvelopeCodec.encodeState(r);
            }
        }
        return writer.submit(batch -> {
            if (chunkKey != null) {
                batch.writes().put(bodies, chunkKey, lastChunk);
            }
            if (prefixKey != null) {
                batch.writes().put(bodies, prefixKey, prefix);
            }
            batch.writes().put(envelopes, key, value);
            for (Slot slot : slots) {
                batch.writes().put(scheduleFamily, slot.key(), slot.value());
            }
            // The envelope codec keeps no bounce category; a message committed with one (a queue
            // handed over from another pod) keeps it in its recipients' state records.
            for (int i = 0; i < categorized.length; i++) {
                if (categorized[i] != null) {
                    batch.writes().put(recipientStates, chunkKey(envelope.id(), i), categorized[i]);
                }
            }
            if (envelope.delayReported()) {
                batch.writes().put(recipientStates, chunkKey(envelope.id(), DELAY_REPORTED), MARK);
            }
        }, bytes, true).thenRun(changedSinceOpen::incrementAndGet);
    }

    /**
     * Records where one recipient stands after a delivery attempt, durably (group-committed with
     * whatever else is being written). The envelope itself is never rewritten: recipient states
     * live under their own keys, so shards owning different domains of one message never write
     * the same record.
     *
     * <p>A record for a message already deleted (an operator's delete, or another shard's, before a
     * retried write) is dropped and the future completes normally: the writer checks, as it applies
     * the record, that the envelope is still there, so no state outlives its message.
     */
    public CompletableFuture<Void> record(MessageId id, int recipientIndex, Recipient state) {
        byte[] key = chunkKey(id, recipientIndex);
        byte[] value = EnvelopeCodec.encodeState(state);
        return writer.submit(batch -> {
            if (stored(batch, id)) {
                batch.writes().put(recipientStates, key, value);
            }
        }, value.length, true);
    }

    /**
     * Marks, durably, that the message's one delay report ({@code queue.delay_warning}) has gone out,
     * so it is not sent again after a restart: {@link Envelope#delayReported()} reads it back. Like
     * {@link #record}, it is dropped when the message has been deleted meanwhile.
     */
    public CompletableFuture<Void> markDelayReported(MessageId id) {
        byte[] key = chunkKey(id, DELAY_REPORTED);
        return writer.submit(batch -> {
            if (stored(batch, id)) {
                batch.writes().put(recipientStates, key, MARK);
            }
        }, key.length, true);
    }

    /** Removes a message (envelope, body, recipient states, delay mark) durably, once every recipient is final. */
    public CompletableFuture<Void> delete(Envelope envelope) {
        MessageId id = envelope.id();
        int chunks = envelope.chunkCount();
        int recipients = envelope.recipients().size();
        boolean[] removed = new boolean[1];
        return writer.submit(batch -> removed[0] = remove(batch, id, chunks, recipients),
                16L * (chunks + recipients + 3), true).thenRun(() -> {
                    if (removed[0]) {
                        changedSinceOpen.decrementAndGet();
                    }
                });
    }

    /**
     * An operator's delete of a message that may or may not be in memory: read and removed by the
     * writer, so the caller need not have the envelope. Completes true when the message was there.
     */
    public CompletableFuture<Boolean> delete(MessageId id) {
        boolean[] removed = new boolean[1];
        return writer.submit(batch -> {
            if (batch.removedEarlier(id)) {
                return;
            }
            byte[] value = db.get(envelopes, id.toKey());
            if (value != null) {
                Envelope stored = EnvelopeCodec.decode(value);
                removed[0] = remove(batch, id, stored.chunkCount(), stored.recipients().size());
            }
        }, 64, true).thenApply(v -> {
            if (removed[0]) {
                changedSinceOpen.decrementAndGet();
            }
            return removed[0];
        });
    }

    /**
     * Records that recipient {@code index} is final and, when that leaves none of the message's
     * recipients pending, deletes the message in the same write. The writer decides, from what is
     * stored and what this batch wrote before: recipients of one message at several domains finish
     * on several shards, and only the stored states say which of them is the last. Completes true
     * when the message was deleted.
     */
    public CompletableFuture<Boolean> recordFinal(Envelope envelope, int index, Recipient state) {
        MessageId id = envelope.id();
        byte[] stateKey = chunkKey(id, index);
        byte[] stateValue = EnvelopeCodec.encodeState(state);
        boolean[] removed = new boolean[1];
        return writer.submit(batch -> {
            if (envelope.recipients().size() == 1) {
                // Its only recipient: the message goes. No lookup of the envelope on the writer's hot
                // path; the ledger records nothing for a message an operator deleted.
                removed[0] = !batch.removedEarlier(id);
                removeKeys(batch, id, envelope.chunkCount(), 1);
                return;
            }
            if (!stored(batch, id)) {
                return;
            }
            Envelope current = withStates(EnvelopeCodec.decode(db.get(envelopes, id.toKey())));
            Set<Integer> finalEarlier = batch.finalEarlier(id);
            boolean pending = false;
            List<Recipient> all = current.recipients();
            for (int i = 0; i < all.size() && !pending; i++) {
                pending = i != index && !all.get(i).state().isFinal() && !finalEarlier.contains(i);
            }
            if (pending) {
                batch.writes().put(recipientStates, stateKey, stateValue);
                batch.recordsFinal(id, index);
            } else {
                removed[0] = remove(batch, id, current.chunkCount(), all.size());
            }
        }, stateValue.length, true).thenApply(v -> {
            if (removed[0]) {
                changedSinceOpen.decrementAndGet();
            }
            return removed[0];
        });
    }

    /** Adds the removal of a message to {@code batch}; false when it is not stored (or an earlier write removed it). */
    private boolean remove(GroupCommitWriter.Batch batch, MessageId id, int chunks, int recipients)
            throws RocksDBException {
        boolean there = stored(batch, id);
        removeKeys(batch, id, chunks, recipients);
        return there;
    }

    /** Adds the deletes of every key of a message to {@code batch}. */
    private void removeKeys(GroupCommitWriter.Batch batch, MessageId id, int chunks, int recipients)
            throws RocksDBException {
        byte[] key = id.toKey();
        batch.removes(id);
        WriteBatch writes = batch.writes();
        writes.delete(envelopes, key);
        for (int i = 0; i < chunks; i++) {
            writes.delete(bodies, chunkKey(id, i));
        }
        writes.delete(bodies, chunkKey(id, PREFIX_CHUNK));
        for (int i = 0; i < recipients; i++) {
            writes.delete(recipientStates, chunkKey(id, i));
        }
        writes.delete(recipientStates, chunkKey(id, DELAY_REPORTED));
    }

    /**
     * Stored messages (with a recipient not yet final); until the start-up scan has counted them,
     * only those committed since the spool was opened.
     */
    public long messages() {
        long base = counted.get();
        return Math.max(0, (base < 0 ? 0 : base) + changedSinceOpen.get());
    }

    /** Whether {@link #messages()} is exact: the start-up scan has counted what was stored. */
    public boolean counted() {
        return counted.get() >= 0;
    }

    /**
     * Removes body chunks and recipient states of messages made before this process started that
     * have no envelope: transactions cut off before their commit, states of deleted messages. One
     * pass over the keys of each family, a point lookup per message. Blocking; returns how many
     * messages had some.
     */
    public int sweepLeftovers() {
        if (!enterLongRead()) {
            return 0;
        }
        try {
            return sweepLeftoversNow();
        } finally {
            longReads.release();
        }
    }

    /**
     * Scans that run for seconds over a large spool hold a permit, and {@link #close()} waits for
     * them to see that the spool is closing (they check between keys): RocksDB must not be closed
     * under an iterator.
     */
    private final Semaphore longReads = new Semaphore(LONG_READS);
    private static final int LONG_READS = 16;

    /** The queue's due-time index in this spool. */
    public Schedule schedule() {
        return schedule;
    }

    /** The first id made by this process (new mail of this run has ids from it on). */
    MessageId firstIdOfThisRun() {
        return firstIdOfThisRun;
    }

    /** The start-up scan counted {@code messages} stored messages. */
    void countedAtStart(long messages) {
        counted.set(messages);
    }

    void leaveLongRead() {
        longReads.release();
    }

    boolean enterLongRead() {
        if (!longReads.tryAcquire()) {
            return false;
        }
        if (!open) {
            longReads.release();
            return false;
        }
        return true;
    }

    private int sweepLeftoversNow() {
        int orphans = 0;
        // one view for the keys and the envelopes: a message delivered meanwhile is not a leftover
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions view = new ReadOptions().setSnapshot(snapshot)) {
            for (ColumnFamilyHandle family : List.of(bodies, recipientStates)) {
                try (RocksIterator it = db.newIterator(family, view)) {
                    for (it.seekToFirst(); it.isValid() && open; ) {
                        MessageId id = MessageId.fromKey(it.key());
                        if (id.compareTo(firstIdOfThisRun) >= 0) {
                            break;
                        }
                        byte[] next = chunkKey(new MessageId(id.value() + 1), 0);
                        if (db.get(envelopes, view, id.toKey()) == null) {
                            db.deleteRange(family, chunkKey(id, 0), next);
                            orphans++;
                        }
                        it.seek(next);
                    }
                }
            }
        } catch (RocksDBException e) {
            throw new SpoolException("cannot clean up the spool", e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
        if (orphans > 0) {
            LOG.log(System.Logger.Level.INFO, "spool {0}: removed the leftovers of {1,number,#} messages", path, orphans);
        }
        return orphans;
    }


    /**
     * Whether the message's envelope is there for a write being added to {@code batch}: in the
     * database, and not deleted by a write earlier in the same batch. Writer thread only; a point
     * lookup of a key that is almost always in the memtable or the block cache.
     */
    private boolean stored(GroupCommitWriter.Batch batch, MessageId id) throws RocksDBException {
        return !batch.removedEarlier(id) && db.keyExists(envelopes, id.toKey());
    }

    @Override
    public CompletableFuture<Void> discard(MessageId id, int chunkCount) {
        return writer.submit(batch -> {
            for (int i = 0; i < chunkCount; i++) {
                batch.writes().delete(bodies, chunkKey(id, i));
            }
        }, 16L * chunkCount, false);
    }

    /** Reads one envelope; blocking (RocksDB point lookup), so not on an event loop under load. */
    public Optional<Envelope> envelope(MessageId id) {
        try {
            byte[] value = db.get(envelopes, id.toKey());
            return value == null ? Optional.empty() : Optional.of(withStates(EnvelopeCodec.decode(value)));
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read envelope " + id, e);
        }
    }

    /** Reads body chunk {@code index}; blocking. */
    public byte[] chunk(MessageId id, int index) {
        try {
            byte[] value = db.get(bodies, chunkKey(id, index));
            if (value == null) {
                throw new SpoolException("body chunk " + index + " of " + id + " is missing", null);
            }
            return value;
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read body of " + id, e);
        }
    }

    /**
     * Stored chunk {@code index} in sending order ({@link Envelope#storedChunks()} of them): the
     * prefix first when the message has one, then the body chunks. Blocking.
     */
    public byte[] storedChunk(Envelope envelope, int index) {
        if (envelope.prefixed()) {
            return chunk(envelope.id(), index == 0 ? PREFIX_CHUNK : index - 1);
        }
        return chunk(envelope.id(), index);
    }

    /** Reads a whole message as it is sent; blocking. For tests and small messages only: delivery streams chunks. */
    public byte[] body(Envelope envelope) {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(envelope.bodySize()));
        for (int i = 0; i < envelope.storedChunks(); i++) {
            all.put(storedChunk(envelope, i));
        }
        return all.array();
    }

    /**
     * The start-up scan: hands every message with a recipient not yet final to {@code pending}, in
     * arrival order. First it removes what no message still to deliver owns: messages whose
     * recipients are all final (their delete was lost in a crash), body chunks of transactions cut
     * off before their commit, and state records of messages that are gone. Blocking; returns the
     * number of messages handed over.
     */
    public int recover(Consumer<Envelope> pending) {
        List<Envelope> open = new ArrayList<>();
        List<MessageId> present = new ArrayList<>();
        List<MessageId> finished = new ArrayList<>();
        try (RocksIterator it = db.newIterator(envelopes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Envelope envelope = withStates(EnvelopeCodec.decode(it.value()));
                if (envelope.isFinal()) {
                    finished.add(envelope.id());
                } else {
                    open.add(envelope);
                    present.add(envelope.id());
                }
            }
        }
        // Swept before anything is handed over: the queue may commit new messages (bounces) at once,
        // and their bodies must not look like leftovers.
        LeftoverSweep sweep = new LeftoverSweep(db, envelopes);
        sweep.removeFinished(finished, bodies, recipientStates);
        int bodyOrphans = sweep.removeOrphans(bodies, present);
        int stateOrphans = sweep.removeOrphans(recipientStates, present);
        open.forEach(pending);
        int count = open.size();
        LOG.log(System.Logger.Level.INFO, "spool {0}: recovered {1,number,#} messages, removed {2,number,#} finished"
                + " messages, {3,number,#} unfinished bodies and the states of {4,number,#} deleted messages",
                path, count, finished.size(), bodyOrphans, stateOrphans);
        return count;
    }

    /**
     * Every stored message with its recipients' current states, in arrival order; read-only (unlike
     * {@link #recover}, safe while Hermod runs). Blocking, and it reads every envelope: for tests and
     * tools, not for a hot path.
     */
    public List<Envelope> envelopes() {
        List<Envelope> all = new ArrayList<>();
        try (RocksIterator it = db.newIterator(envelopes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                all.add(withStates(EnvelopeCodec.decode(it.value())));
            }
        }
        return all;
    }

    /**
     * Up to {@code limit} stored messages with their recipients' current states, in arrival order,
     * starting after {@code after} (null: from the first). Read-only and blocking; a caller that
     * pages through the spool this way holds one page at a time, whatever the queue's length.
     */
    public List<Envelope> envelopesAfter(MessageId after, int limit) {
        List<Envelope> page = new ArrayList<>(Math.min(limit, 1024));
        try (RocksIterator it = db.newIterator(envelopes)) {
            if (after == null) {
                it.seekToFirst();
            } else {
                it.seek(after.toKey());
                if (it.isValid() && MessageId.fromKey(it.key()).equals(after)) {
                    it.next();
                }
            }
            for (; it.isValid() && page.size() < limit; it.next()) {
                page.add(withStates(EnvelopeCodec.decode(it.value())));
            }
        }
        return page;
    }

    /**
     * This spool's identity: random, made when the spool is first opened and kept in it, so a
     * process that restarts on the same volume is still the same origin (queue hand-off uses it to
     * recognise a transfer sent twice). Blocking.
     */
    public String identity() {
        try {
            byte[] stored = db.get(defaultFamily, IDENTITY_KEY);
            if (stored != null) {
                return new String(stored, StandardCharsets.US_ASCII);
            }
            String made = java.util.UUID.randomUUID().toString();
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                db.put(defaultFamily, sync, IDENTITY_KEY, made.getBytes(StandardCharsets.US_ASCII));
            }
            return made;
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read or store the spool's identity", e);
        }
    }

    /** The envelope with each recipient's recorded state in place of the state it was accepted with. */
    Envelope withStates(Envelope stored) {
        List<Recipient> recipients = new ArrayList<>(stored.recipients());
        boolean changed = false;
        boolean delayReported = false;
        try (RocksIterator it = db.newIterator(recipientStates)) {
            byte[] prefix = stored.id().toKey();
            for (it.seek(chunkKey(stored.id(), 0)); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                int index = ByteBuffer.wrap(it.key(), 8, 4).getInt();
                if (index == DELAY_REPORTED) {
                    delayReported = true;
                } else if (index < recipients.size()) {
                    recipients.set(index, EnvelopeCodec.decodeState(recipients.get(index).address(), it.value()));
                    changed = true;
                }
            }
        }
        Envelope current = changed ? stored.withRecipients(recipients) : stored;
        return delayReported ? current.withDelayReported() : current;
    }

    /**
     * The envelope with the recorded states of {@code indexes} (and the delay mark) in place: point
     * lookups, which a bloom filter answers for a record that is not there, where {@link #withStates}
     * seeks an iterator through every level. The other recipients keep the state they were accepted
     * with, so only a caller that looks at no other recipient may use it (a delivery of one domain).
     */
    Envelope withStatesOf(Envelope stored, List<Integer> indexes) throws RocksDBException {
        List<Recipient> recipients = null;
        for (int index : indexes) {
            if (index >= stored.recipients().size()) {
                continue;
            }
            byte[] state = db.get(recipientStates, chunkKey(stored.id(), index));
            if (state != null) {
                if (recipients == null) {
                    recipients = new ArrayList<>(stored.recipients());
                }
                recipients.set(index, EnvelopeCodec.decodeState(recipients.get(index).address(), state));
            }
        }
        Envelope current = recipients != null ? stored.withRecipients(recipients) : stored;
        return db.get(recipientStates, chunkKey(stored.id(), DELAY_REPORTED)) != null ? current.withDelayReported()
                : current;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private long highestId() {
        long highest = 0;
        for (ColumnFamilyHandle family : List.of(envelopes, bodies, recipientStates)) {
            try (RocksIterator it = db.newIterator(family)) {
                it.seekToLast();
                if (it.isValid()) {
                    highest = Math.max(highest, MessageId.fromKey(it.key()).value());
                }
            }
        }
        return highest;
    }

    /** The suppression list, kept in this spool's {@code suppression} family. */
    public Suppressions suppressions() {
        return suppressions;
    }

    /** Deferred batch injections not yet expanded, kept in this spool's {@code injections} family. */
    public Injections injections() {
        return injections;
    }

    /** How many times RocksDB has synced a WAL file since the spool was opened. */
    public long walSyncs() {
        return statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
    }

    /**
     * Key of body chunk {@code index}, of recipient {@code index}'s state, or (index
     * {@link #DELAY_REPORTED}) of the delay-report mark: the id, then the index.
     */
    static byte[] chunkKey(MessageId id, int index) {
        return ByteBuffer.allocate(12).putLong(id.value()).putInt(index).array();
    }

    /** Writes what is queued, then closes RocksDB. Blocking. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            if (longReads.tryAcquire(LONG_READS, 10, TimeUnit.SECONDS)) {
                longReads.release(LONG_READS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.WARNING, "spool: final WAL sync failed: " + e.getMessage());
        }
        envelopes.close();
        bodies.close();
        recipientStates.close();
        suppressionFamily.close();
        injectionFamily.close();
        scheduleFamily.close();
        defaultFamily.close();
        db.close();
        dbOptions.close();
        cfOptions.close();
        statistics.close();
    }
}
