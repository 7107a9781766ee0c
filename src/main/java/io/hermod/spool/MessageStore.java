package io.hermod.spool;

import java.util.concurrent.CompletableFuture;

/**
 * What intake (SMTP and HTTP) needs of the spool to accept a message. Futures complete on the
 * spool's writer thread; callers hop back to their own context.
 */
public interface MessageStore {

    MessageId newId();

    /**
     * Stores body chunk {@code index} of a message still being received, without waiting for an
     * fsync; the commit of the envelope makes it durable. {@code chunk} must not be touched again.
     */
    CompletableFuture<Void> writeChunk(MessageId id, int index, byte[] chunk);

    /**
     * Makes the message durable: the envelope and, when not null, its last body chunk (index
     * {@code envelope.chunkCount() - 1}) in one synced, group-committed batch. When the future
     * completes normally the message is accepted; when it fails nothing is accepted.
     */
    CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk);

    /**
     * {@link #commit(Envelope, byte[])} for a message whose body starts with {@code prefix} (header
     * fields written at acceptance: the DKIM signatures), stored in the same batch; the envelope
     * says {@link Envelope#prefixed()} exactly when {@code prefix} is not empty.
     */
    CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk, byte[] prefix);

    /** Removes the chunks of a message that will not be committed. */
    CompletableFuture<Void> discard(MessageId id, int chunkCount);
}
