package io.hermod.intake;

import io.hermod.queue.MessageQueue;
import io.hermod.spool.Envelope;
import java.util.ArrayList;
import java.util.List;

/** A {@link MessageQueue} that only remembers what it was given. */
final class RecordingQueue implements MessageQueue {

    final List<Envelope> enqueued = new ArrayList<>();

    @Override
    public void enqueue(Envelope envelope, byte[] prefix, byte[] body) {
        enqueued.add(envelope);
    }
}
