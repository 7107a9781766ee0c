/**
 * The spool: every accepted message, durably, in RocksDB under {@code spool.path}.
 *
 * <p>Two column families hold a message: {@code envelopes} (key: the 8-byte time-ordered
 * {@link io.hermod.spool.MessageId}, value: the encoded {@link io.hermod.spool.Envelope} with
 * every recipient's state) and {@code bodies} (key: id + 4-byte chunk index, value: up to
 * {@link io.hermod.spool.Spool#CHUNK_SIZE} bytes of the message as received, Received header
 * first) and {@code recipients} (key: id + 4-byte recipient index, value: that recipient's state,
 * attempts, next attempt and last result, written after each delivery attempt; absent means
 * pending and never tried). The envelope is never rewritten after its commit. A large body is written chunk by chunk while it arrives, without sync, so it is never
 * held whole in memory; the envelope is written last.
 *
 * <p>All writes go through one {@link io.hermod.spool.GroupCommitWriter} thread. Whatever arrived
 * while the previous write was being fsynced goes into the next {@code WriteBatch}, written with
 * {@code sync=true}: one fsync covers every message of the batch, and because the WAL is sequential
 * it also covers the unsynced body chunks written before. A message exists for the rest of Hermod
 * once its envelope is committed, and only then is the client told {@code 250}. At start the
 * spool is scanned: every envelope with a recipient not yet final is handed to the queue, and body
 * chunks left by transactions that never committed are deleted.
 */
package io.hermod.spool;
