package io.hermod.spool;

import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Part of the start-up scan: removes what no message still to deliver owns. Keys of the bodies and
 * recipients families start with the message id, so a message's keys there are one range.
 */
final class LeftoverSweep {

    private final RocksDB db;
    private final ColumnFamilyHandle envelopes;

    LeftoverSweep(RocksDB db, ColumnFamilyHandle envelopes) {
        this.db = db;
        this.envelopes = envelopes;
    }

    /**
     * Removes messages whose recipients are all final (their delete was lost in a crash), whole and
     * in one write: states gone without the envelope would make the recipients look pending again.
     */
    void removeFinished(List<MessageId> finished, ColumnFamilyHandle... families) {
        if (finished.isEmpty()) {
            return;
        }
        try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
            for (MessageId id : finished) {
                batch.delete(envelopes, id.toKey());
                for (ColumnFamilyHandle family : families) {
                    batch.deleteRange(family, Spool.chunkKey(id, 0), firstKeyAfter(id));
                }
            }
            db.write(sync, batch);
        } catch (RocksDBException e) {
            throw new SpoolException("cannot remove finished messages", e);
        }
    }

    /**
     * Removes every key of {@code family} whose message is not in {@code present} (ascending ids):
     * body chunks of transactions cut off before their commit, states recorded for a message that
     * was deleted. Returns how many messages had some.
     */
    int removeOrphans(ColumnFamilyHandle family, List<MessageId> present) {
        int orphans = 0;
        int next = 0;
        try (RocksIterator it = db.newIterator(family)) {
            it.seekToFirst();
            while (it.isValid()) {
                MessageId id = MessageId.fromKey(it.key());
                while (next < present.size() && present.get(next).compareTo(id) < 0) {
                    next++;
                }
                if (next >= present.size() || !present.get(next).equals(id)) {
                    db.deleteRange(family, Spool.chunkKey(id, 0), firstKeyAfter(id));
                    orphans++;
                }
                it.seek(firstKeyAfter(id));
            }
        } catch (RocksDBException e) {
            throw new SpoolException("cannot clean up the spool", e);
        }
        return orphans;
    }

    private static byte[] firstKeyAfter(MessageId id) {
        return Spool.chunkKey(new MessageId(id.value() + 1), 0);
    }
}
