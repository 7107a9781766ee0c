/**
 * The spool: every accepted message, durably, in RocksDB under {@code spool.path}.
 *
 * <p>Three column families hold a message: {@code envelopes} (key: the 8-byte time-ordered
 * {@link io.hermod.spool.MessageId}, value: the encoded {@link io.hermod.spool.Envelope} as
 * accepted), {@code bodies} (key: id + 4-byte chunk index, value: up to
 * {@link io.hermod.spool.Spool#CHUNK_SIZE} bytes of the message as received, Received header
 * first) and {@code recipients} (key: id + 4-byte recipient index, value: that recipient's state,
 * attempts, next attempt and last result, written after each delivery attempt; absent means
 * pending and never tried; index {@code 0x7fffffff}, empty value: the message's one delay report
 * has gone out). The envelope is never rewritten after its commit. A fourth family,
 * {@code suppression}, holds the suppression list ({@link io.hermod.spool.Suppressions}); it is
 * created in a spool opened by an older version; so is a fifth, {@code injections}, which holds
 * deferred batch injections until they are expanded ({@link io.hermod.spool.Injections}). The
 * {@code schedule} family is the queue's due-time index: one key per delivery waiting, made of
 * its domain, due time, message id and first recipient ({@link io.hermod.spool.Slot}), so every
 * pending recipient is in exactly one slot and a domain's slots are one range in due order; a
 * commit writes the message's slots with its envelope, and a move (deferral, split, end) deletes
 * the old slot and writes the new ones in one write. The default family holds only the writer's
 * probe key, the spool's identity ({@link io.hermod.spool.Spool#identity()}) and the mark that the
 * schedule has been built (a spool from before it gets one at its first opening). A large body is written chunk by chunk while it arrives, without sync,
 * so it is never held whole in memory; the envelope is written last.
 *
 * <p>All writes go through one {@link io.hermod.spool.GroupCommitWriter} thread. Whatever arrived
 * while the previous write was being fsynced goes into the next {@code WriteBatch}, written with
 * {@code sync=true}: one fsync covers every message of the batch, and because the WAL is sequential
 * it also covers the unsynced body chunks written before. A message exists for the rest of Hermod
 * once its envelope is committed, and only then is the client told {@code 250}. A state record or
 * delay mark that reaches the writer after its message was deleted is dropped there (the writer
 * looks the envelope up as it applies the write), so nothing of a message outlives it.
 *
 * <p>Bytes of mail in progress are counted by one {@link io.hermod.spool.MemoryBudget}
 * ({@code smtp.max_buffered_bytes}) for the whole process: a {@link io.hermod.spool.ChunkedBody}
 * charges its buffers to it, and a chunk handed to the writer keeps its charge until the writer has
 * written it, so the writer's queue of bodies is bounded by the budget. The writer never waits for
 * the budget.
 *
 * <p>When writes fail (disk full, I/O error), {@link io.hermod.spool.Spool#writable()} is false, and
 * readiness with it, until a write succeeds; the writer probes once a second meanwhile. On a full
 * disk RocksDB refuses every write until its own recovery, which starts once 4 MiB are free again.
 *
 * <p>Which recipient of a message is its last to become final is decided by the writer, from the
 * stored states and those written earlier in the same batch ({@link io.hermod.spool.Spool#recordFinal}):
 * the final state and the message's removal are one write, so no finished message is left behind.
 *
 * <p>At start nothing is read before serving: {@link io.hermod.spool.Spool#scan()} takes a view of
 * the spool and, on a thread of its own, counts the schedule domain by domain (keys only) and then
 * the envelopes, while the queue reads each domain's due slots as soon as it is counted; then body
 * chunks and state records made before this start that belong to no envelope (transactions that
 * never committed) are removed.
 */
package io.hermod.spool;
