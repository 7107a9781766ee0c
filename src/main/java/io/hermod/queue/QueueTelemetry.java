package io.hermod.queue;

import io.hermod.delivery.Destination;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import java.time.Clock;

/** One recipient outcome, told to the meters and written to the event log as one line. */
final class QueueTelemetry {

    private final HermodMetrics metrics;
    private final EventSink events;
    private final Clock clock;

    QueueTelemetry(HermodMetrics metrics, EventSink events, Clock clock) {
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    /**
     * {@code remote} is the host that answered, null when none did; when it answered over TLS, the
     * event's {@code detail} names the protocol and cipher ({@code TLSv1.3 TLS_AES_256_GCM_SHA384}).
     */
    void outcome(EventType type, Envelope envelope, Recipient after, Destination.Candidate remote) {
        long now = clock.millis();
        long queueTime = now - envelope.arrivalMillis();
        metrics.deliveryAttempt(switch (type) {
            case Delivery -> "delivered";
            case TransientFailure -> "deferred";
            case Bounce -> "failed";
            case Expiration -> "expired";
            default -> type.name();
        });
        if (type != EventType.TransientFailure) {
            metrics.deliveryLatency(queueTime);
        }
        String detail = after.lastResult();
        events.append(new Event(type, now, envelope.id().toString(), envelope.sender(), after.address(),
                remote == null ? null : remote.name(),
                remote == null ? null : remote.address() + ":" + remote.port(),
                Diagnostics.code(detail), Diagnostics.enhanced(detail), detail, after.attempts(), queueTime,
                remote == null ? null : remote.tls()));
    }
}
