package io.hermod.spool;

import org.rocksdb.RocksDBException;

/**
 * Runs on the writer thread just before each RocksDB write. Only tests set one: throwing from it
 * makes the write fail as a full or broken disk would, without a full disk.
 */
@FunctionalInterface
interface WriteHook {

    WriteHook NONE = () -> { };

    void beforeWrite() throws RocksDBException;
}
