package io.hermod.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Deferred batch injections ({@code POST /api/v1/inject} with {@code "deferred": true}), in the
 * spool's {@code injections} column family, so that a batch answered with 202 is expanded even if
 * Hermod stops half way. Two keys per batch, its 8-byte id followed by one byte: {@code 0} holds a
 * version byte, the client's IP address (2-byte length, UTF-8; for the Received header) and the
 * request as received (JSON), written once; {@code 1} holds the index of the next recipient to
 * expand (4 bytes), rewritten as the expansion goes. Both are removed when the last recipient is
 * expanded. Every write is durable and goes through the spool's group-commit writer.
 */
public final class Injections {

    private static final byte VERSION = 1;
    private static final byte REQUEST = 0;
    private static final byte PROGRESS = 1;

    /** A stored batch: its id, the next recipient to expand, the client's address, the request. */
    public record Stored(long id, int next, String client, byte[] request) {
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
    public CompletableFuture<Void> add(long id, String client, byte[] request) {
        byte[] address = client.getBytes(StandardCharsets.UTF_8);
        byte[] value = ByteBuffer.allocate(3 + address.length + request.length).put(VERSION)
                .putShort((short) address.length).put(address).put(request).array();
        byte[] key = key(id, REQUEST);
        return writer.submit(batch -> batch.writes().put(family, key, value), value.length, true);
    }

    /** Records, durably, that the recipients before {@code next} are expanded and their messages committed. */
    public CompletableFuture<Void> progress(long id, int next) {
        byte[] key = key(id, PROGRESS);
        byte[] value = ByteBuffer.allocate(4).putInt(next).array();
        return writer.submit(batch -> batch.writes().put(family, key, value), 13, true);
    }

    /** Removes a batch whose every recipient is expanded, durably. */
    public CompletableFuture<Void> remove(long id) {
        byte[] request = key(id, REQUEST);
        byte[] progress = key(id, PROGRESS);
        return writer.submit(batch -> {
            batch.writes().delete(family, request);
            batch.writes().delete(family, progress);
        }, 18, true);
    }

    /** Every batch not yet fully expanded, oldest first. Blocking. */
    public List<Stored> pending() {
        List<Stored> out = new ArrayList<>();
        try {
            scan(out);
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read the stored injections", e);
        }
        return out;
    }

    private void scan(List<Stored> out) throws RocksDBException {
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ByteBuffer key = ByteBuffer.wrap(it.key());
                long id = key.getLong();
                if (key.get() == PROGRESS) {
                    // A progress record whose request is gone: the end of a remove that a crash cut short.
                    continue;
                }
                ByteBuffer value = ByteBuffer.wrap(it.value());
                byte version = value.get();
                if (version != VERSION) {
                    throw new SpoolException("stored injection has unknown version " + version, null);
                }
                byte[] address = new byte[value.getShort()];
                value.get(address);
                byte[] request = new byte[value.remaining()];
                value.get(request);
                byte[] progress = db.get(family, key(id, PROGRESS));
                int next = progress == null ? 0 : ByteBuffer.wrap(progress).getInt();
                out.add(new Stored(id, next, new String(address, StandardCharsets.UTF_8), request));
            }
        }
    }

    private static byte[] key(long id, byte kind) {
        return ByteBuffer.allocate(9).putLong(id).put(kind).array();
    }
}
