package io.hermod.queue;

import io.hermod.spool.Envelope;

/**
 * The one door from intake into the queue layer. Called on the accepting event loop (or the
 * start-up thread) once the envelope is committed to the spool; implementations must not block.
 */
public interface MessageQueue {

    void enqueue(Envelope envelope);
}
