package io.hermod.api;

import io.hermod.queue.MessageQueue;
import io.hermod.spool.Envelope;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link MessageQueue} that only remembers what it was given, and on which thread. */
final class RecordingQueue implements MessageQueue {

    record Enqueued(Envelope envelope, byte[] body, String thread) {
    }

    final List<Enqueued> enqueued = new CopyOnWriteArrayList<>();

    @Override
    public void enqueue(Envelope envelope, byte[] prefix, byte[] body) {
        enqueued.add(new Enqueued(envelope, body, Thread.currentThread().getName()));
    }
}
