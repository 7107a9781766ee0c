package io.hermod.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The suppression list, in the spool's {@code suppression} column family. Key: the scope ("" for
 * global, else the sender domain), a NUL, the recipient address, both lower-cased; so entries sort
 * by scope, then address, and a page resumes after the last key it returned. Value: a version
 * byte, the time added and the expiry (8 bytes each), then the reason in UTF-8.
 *
 * <p>Writes go through the spool's group-commit writer and are durable when their future
 * completes. Reads are RocksDB point gets and iterators, blocking; the list is small (tens of bytes
 * an entry), so a get is normally served from the memtable or the block cache. Expired entries
 * read as absent and are overwritten by the next add; {@link #purgeExpired} removes them (Hermod
 * runs it periodically off the event loop).
 */
public final class Suppressions {

    private static final byte VERSION = 1;
    /** Deletes per durable write while purging. */
    private static final int PURGE_BATCH = 1000;

    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final GroupCommitWriter writer;

    Suppressions(RocksDB db, ColumnFamilyHandle family, GroupCommitWriter writer) {
        this.db = db;
        this.family = family;
        this.writer = writer;
    }

    /** Adds or replaces the entry for its scope and address, durably. */
    public CompletableFuture<Void> add(Suppression entry) {
        byte[] key = key(entry.scope(), entry.address());
        byte[] value = encode(entry);
        return writer.submit(batch -> batch.writes().put(family, key, value), key.length + value.length, true);
    }

    /** Adds or replaces every entry, in one durable write (a bulk import). */
    public CompletableFuture<Void> addAll(List<Suppression> entries) {
        List<byte[]> keys = new ArrayList<>(entries.size());
        List<byte[]> values = new ArrayList<>(entries.size());
        long bytes = 0;
        for (Suppression entry : entries) {
            keys.add(key(entry.scope(), entry.address()));
            values.add(encode(entry));
            bytes += keys.get(keys.size() - 1).length + values.get(values.size() - 1).length;
        }
        return writer.submit(batch -> {
            for (int i = 0; i < keys.size(); i++) {
                batch.writes().put(family, keys.get(i), values.get(i));
            }
        }, bytes, true);
    }

    /** Removes the entry for {@code scope} and {@code address}, if there is one, durably. */
    public CompletableFuture<Void> remove(String scope, String address) {
        byte[] key = key(Suppression.normalise(scope), Suppression.normalise(address));
        return writer.submit(batch -> batch.writes().delete(family, key), key.length, true);
    }

    /** The entry for {@code scope} and {@code address}, unless there is none or it has expired. Blocking. */
    public Optional<Suppression> lookup(String scope, String address, long nowMillis) {
        String s = Suppression.normalise(scope);
        String a = Suppression.normalise(address);
        try {
            byte[] value = db.get(family, key(s, a));
            if (value == null) {
                return Optional.empty();
            }
            Suppression entry = decode(s, a, value);
            return entry.inForce(nowMillis) ? Optional.of(entry) : Optional.empty();
        } catch (RocksDBException e) {
            throw new SpoolException("cannot read suppression entry for " + a, e);
        }
    }

    /**
     * The entry that refuses mail from {@code sender} to {@code recipient}: the global one first,
     * then the one for the sender's domain (none for the null sender {@code <>}). Blocking: two point gets.
     */
    public Optional<Suppression> find(String sender, String recipient, long nowMillis) {
        Optional<Suppression> global = lookup(Suppression.GLOBAL, recipient, nowMillis);
        if (global.isPresent()) {
            return global;
        }
        String domain = domainOf(sender);
        return domain.isEmpty() ? Optional.empty() : lookup(domain, recipient, nowMillis);
    }

    /**
     * Up to {@code limit} entries in force, in key order, starting after the entry of
     * {@code afterScope} and {@code afterAddress} (both null: from the start). Blocking.
     */
    public List<Suppression> page(String afterScope, String afterAddress, int limit, long nowMillis) {
        List<Suppression> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            if (afterScope == null) {
                it.seekToFirst();
            } else {
                byte[] after = key(Suppression.normalise(afterScope), Suppression.normalise(afterAddress));
                it.seek(after);
                if (it.isValid() && Arrays.equals(it.key(), after)) {
                    it.next();
                }
            }
            for (; it.isValid() && out.size() < limit; it.next()) {
                Suppression entry = decode(it.key(), it.value());
                if (entry.inForce(nowMillis)) {
                    out.add(entry);
                }
            }
        }
        return out;
    }

    /**
     * Removes every entry that has expired by {@code nowMillis}, in durable batches of at most
     * {@value #PURGE_BATCH} deletes; returns how many. Blocking: a scan of the family.
     */
    public int purgeExpired(long nowMillis) {
        int purged = 0;
        List<byte[]> expired = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (!decode(it.key(), it.value()).inForce(nowMillis)) {
                    expired.add(it.key());
                }
                if (expired.size() == PURGE_BATCH) {
                    purged += delete(expired);
                }
            }
        }
        return purged + delete(expired);
    }

    /** Deletes {@code keys} in one durable write and empties the list; returns how many. */
    private int delete(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        List<byte[]> batchKeys = List.copyOf(keys);
        long bytes = batchKeys.stream().mapToLong(k -> k.length).sum();
        keys.clear();
        writer.submit(batch -> {
            for (byte[] key : batchKeys) {
                batch.writes().delete(family, key);
            }
        }, bytes, true).join();
        return batchKeys.size();
    }

    /** RocksDB's estimate of the entries stored (expired ones not yet purged included); cheap. */
    public long estimatedEntries() {
        try {
            return db.getLongProperty(family, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** The domain of an address, lower-cased; "" for the null sender or an address without one. */
    public static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : Suppression.normalise(address.substring(at + 1));
    }

    static byte[] key(String scope, String address) {
        byte[] s = scope.getBytes(StandardCharsets.UTF_8);
        byte[] a = address.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(s.length + 1 + a.length).put(s).put((byte) 0).put(a).array();
    }

    private static byte[] encode(Suppression entry) {
        byte[] reason = entry.reason().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(17 + reason.length).put(VERSION).putLong(entry.addedMillis())
                .putLong(entry.expiresMillis()).put(reason).array();
    }

    private static Suppression decode(byte[] key, byte[] value) {
        int nul = 0;
        while (key[nul] != 0) {
            nul++;
        }
        String scope = new String(key, 0, nul, StandardCharsets.UTF_8);
        String address = new String(key, nul + 1, key.length - nul - 1, StandardCharsets.UTF_8);
        return decode(scope, address, value);
    }

    private static Suppression decode(String scope, String address, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        byte version = buf.get();
        if (version != VERSION) {
            throw new SpoolException("suppression entry for " + address + " has unknown version " + version, null);
        }
        long added = buf.getLong();
        long expires = buf.getLong();
        String reason = new String(value, 17, value.length - 17, StandardCharsets.UTF_8);
        return new Suppression(scope, address, reason, added, expires);
    }
}
