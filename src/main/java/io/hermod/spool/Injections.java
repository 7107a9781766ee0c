package io.hermod.spool;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Deferred batch injections ({@code POST /api/v1/inject} with {@code "deferred": true}), in the
 * spool's {@code injections} column family, so that a batch accepted with 202 is expanded even if
 * Hermod stops half way. Key: the batch's 8-byte id. Value: a version byte, the index of the next
 * recipient to expand (4 bytes), then the request as received (JSON). Only the progress is rewritten;
 * the entry is removed when the last recipient is expanded. All writes are durable and go through
 * the spool's group-commit writer.
 */
public final class Injections {

    private static final byte VERSION = 1;
    private static final int HEADER = 5;

    /** A stored batch: its id, the next recipient to expand, the request. */
    public record Stored(long id, int next, byte[] request) {
    }

    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final GroupCommitWriter writer;

    Injections(RocksDB db, ColumnFamilyHandle family, GroupCommitWriter writer) {
        this.db = db;
        this.family = family;
        this.writer = writer;
    }

    /** Stores a new batch, durably, with nothing expanded yet. */
    public CompletableFuture<Void> add(long id, byte[] request) {
        byte[] value = ByteBuffer.allocate(HEADER + request.length).put(VERSION).putInt(0).put(request).array();
        byte[] key = key(id);
        return writer.submit(batch -> batch.writes().put(family, key, value), value.length, true);
    }

    /**
     * Records that recipients before {@code next} are expanded (and their messages committed). The
     * request is written again with it: a RocksDB value is replaced whole, and a batch's progress is
     * recorded every few hundred messages, so the cost is small next to the messages themselves.
     */
    public CompletableFuture<Void> progress(long id, int next, byte[] request) {
        byte[] value = ByteBuffer.allocate(HEADER + request.length).put(VERSION).putInt(next).put(request).array();
        byte[] key = key(id);
        return writer.submit(batch -> batch.writes().put(family, key, value), value.length, true);
    }

    /** Removes a batch whose every recipient is expanded, durably. */
    public CompletableFuture<Void> remove(long id) {
        byte[] key = key(id);
        return writer.submit(batch -> batch.writes().delete(family, key), key.length, true);
    }

    /** Every batch not yet fully expanded, oldest first. Blocking. */
    public List<Stored> pending() {
        List<Stored> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ByteBuffer value = ByteBuffer.wrap(it.value());
                byte version = value.get();
                if (version != VERSION) {
                    throw new SpoolException("stored injection has unknown version " + version, null);
                }
                int next = value.getInt();
                byte[] request = new byte[value.remaining()];
                value.get(request);
                out.add(new Stored(ByteBuffer.wrap(it.key()).getLong(), next, request));
            }
        }
        return out;
    }

    private static byte[] key(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }
}
