package io.hermod.spool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Opens a closed spool's RocksDB directly, to see what the {@link Spool} API does not show (records
 * left behind for a message that is gone) or to plant what an older Hermod could have left.
 */
final class StoredKeys {

    private StoredKeys() {
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(RocksDB db, ColumnFamilyHandle family) throws RocksDBException;
    }

    /** The ids of the messages that have at least one key in {@code family}, in key order. */
    static Set<MessageId> ids(Path spool, String family) {
        return open(spool, family, (db, handle) -> {
            Set<MessageId> ids = new LinkedHashSet<>();
            try (RocksIterator it = db.newIterator(handle)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    ids.add(MessageId.fromKey(it.key()));
                }
            }
            return ids;
        });
    }

    /** Removes every key of {@code family}, as a spool written before that family existed would have none. */
    static void clear(Path spool, String family) {
        open(spool, family, (db, handle) -> {
            try (RocksIterator it = db.newIterator(handle)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    db.delete(handle, it.key());
                }
            }
            return null;
        });
    }

    static void put(Path spool, String family, byte[] key, byte[] value) {
        open(spool, family, (db, handle) -> {
            db.put(handle, key, value);
            return null;
        });
    }

    private static <T> T open(Path spool, String family, Work<T> work) {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options options = new Options(); DBOptions dbOptions = new DBOptions()) {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            int wanted = -1;
            for (byte[] name : RocksDB.listColumnFamilies(options, spool.toString())) {
                if (new String(name).equals(family)) {
                    wanted = descriptors.size();
                }
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
            if (wanted < 0) {
                throw new IllegalArgumentException("no column family " + family + " in " + spool);
            }
            try (RocksDB db = RocksDB.open(dbOptions, spool.toString(), descriptors, handles)) {
                try {
                    return work.run(db, handles.get(wanted));
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }
}
