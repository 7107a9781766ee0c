package io.hermod.spool;

/** Told about every batch the group-commit writer has written; called on the writer thread. */
@FunctionalInterface
public interface CommitListener {

    CommitListener NONE = (operations, durable, nanos, failure) -> { };

    /**
     * @param operations how many submitted writes the batch held
     * @param durable    whether the batch was written with sync (an fsync of the WAL)
     * @param nanos      time spent in {@code RocksDB.write}
     * @param failure    null on success
     */
    void batchWritten(int operations, boolean durable, long nanos, Throwable failure);
}
