package io.hermod.queue;

import io.hermod.spool.Envelope;

/**
 * The one door from intake into the queue layer. Called on the accepting event loop (or the
 * start-up thread) once the envelope is committed to the spool; implementations must not block.
 */
public interface MessageQueue {

    /**
     * @param body the whole stored body when the caller still holds it (a message of one chunk),
     *             so the first delivery attempt need not read it back from the spool; else null
     */
    void enqueue(Envelope envelope, byte[] body);
}
