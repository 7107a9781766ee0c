package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds accepted messages without delivering them: the queue layer before delivery exists. Safe
 * to call from every intake event loop.
 */
public final class HoldingQueue implements MessageQueue {

    private static final System.Logger LOG = System.getLogger(HoldingQueue.class.getName());

    private final ConcurrentHashMap<MessageId, Envelope> held = new ConcurrentHashMap<>();
    private final AtomicBoolean announced = new AtomicBoolean();

    @Override
    public void enqueue(Envelope envelope) {
        held.put(envelope.id(), envelope);
        if (announced.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING,
                    "queue: outbound delivery is not part of this build; accepted mail is held in the spool");
        }
    }

    public int size() {
        return held.size();
    }

    public Optional<Envelope> get(MessageId id) {
        return Optional.ofNullable(held.get(id));
    }
}
