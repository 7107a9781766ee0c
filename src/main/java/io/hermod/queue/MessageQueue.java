package io.hermod.queue;

import io.hermod.spool.Envelope;

/**
 * Where a message the spool holds enters the queue layer. Intake, HTTP injection and bounces reach
 * it through {@link Acceptance} (commit, then this); the start-up scan calls it directly for what
 * the spool already holds. Callable from any thread; implementations must not block.
 */
public interface MessageQueue {

    /**
     * @param prefix the message's prefix ({@link Envelope#prefixed()}) when the caller holds the body; else null
     * @param body   the whole stored body when the caller still holds it (a message of one chunk),
     *               so the first delivery attempt need not read it back from the spool; else null
     */
    void enqueue(Envelope envelope, byte[] prefix, byte[] body);

    /** A message the spool already holds (the start-up scan): everything is read back from the spool. */
    default void enqueue(Envelope envelope) {
        enqueue(envelope, null, null);
    }
}
