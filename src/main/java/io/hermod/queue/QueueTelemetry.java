package io.hermod.queue;

import io.hermod.bounce.BounceCategory;
import io.hermod.bounce.Classifier;
import io.hermod.delivery.Destination;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.delivery.Outcome;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import java.time.Clock;

/** One recipient outcome, told to the meters and written to the event log as one line. */
final class QueueTelemetry {

    private static final EnhancedStatus EXPIRED = new EnhancedStatus(4, 4, 7);

    private final HermodMetrics metrics;
    private final EventSink events;
    private final Clock clock;
    private final Classifier classifier;

    QueueTelemetry(HermodMetrics metrics, EventSink events, Clock clock, Classifier classifier) {
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.classifier = classifier;
    }

    /** The category of a failure (deferred, bounced, expired); null for a delivery or a resend. */
    BounceCategory classify(Verdict verdict, Outcome outcome) {
        return verdict == Verdict.DELIVERED || verdict.event == null ? null : classifier.classify(outcome);
    }

    /**
     * {@code remote} is the host that answered, null when none did; when it answered over TLS, the
     * event's {@code detail} names the protocol and cipher ({@code TLSv1.3 TLS_AES_256_GCM_SHA384}).
     * {@code category} is what {@link #classify} gave for this outcome (null for a delivery): the
     * caller has it already, for the recipient's stored state, so the rules run once.
     */
    void outcome(Verdict verdict, Envelope envelope, Recipient after, Outcome outcome, BounceCategory category,
                 Destination.Candidate remote) {
        long now = clock.millis();
        long queueTime = now - envelope.arrivalMillis();
        metrics.deliveryAttempt(verdict.metricLabel);
        if (verdict != Verdict.DEFERRED) {
            metrics.deliveryLatency(queueTime);
        }
        // Every verdict with an event but a delivery is a failure: deferred, bounced or expired.
        if (category != null) {
            metrics.deliveryFailure(category, verdict != Verdict.DEFERRED);
        }
        EnhancedStatus status = outcome == null ? EXPIRED : outcome.status();
        boolean answered = remote != null;
        events.append(new Event(verdict.event, now, envelope.id().toString(), envelope.sender(), after.address(),
                answered ? remote.name() : null,
                answered ? remote.address() + ":" + remote.port() : null,
                outcome == null ? 0 : outcome.code(), status == null ? null : status.toString(), after.lastResult(),
                after.attempts(), queueTime, answered ? remote.tls() : null,
                category == null ? null : category.label(), envelope.tags().tenant(), envelope.tags().campaign(),
                envelope.tags().pool()));
    }
}
