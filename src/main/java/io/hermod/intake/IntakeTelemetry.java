package io.hermod.intake;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.Suppression;

/**
 * Intake replies and results into the meters, and into the event log a Reception line per
 * recipient accepted and a Suppressed line per recipient refused as suppressed.
 */
public final class IntakeTelemetry implements IntakeObserver {

    private final HermodMetrics metrics;
    private final EventSink events;

    public IntakeTelemetry(HermodMetrics metrics, EventSink events) {
        this.metrics = metrics;
        this.events = events;
    }

    @Override
    public void reply(int code) {
        metrics.intakeReply(code);
    }

    @Override
    public void acceptanceTime(long nanos) {
        metrics.intakeAcceptance(nanos);
    }

    @Override
    public void accepted(Envelope envelope) {
        metrics.intakeMessage("accepted");
        for (Recipient r : envelope.recipients()) {
            events.append(new Event(EventType.Reception, envelope.arrivalMillis(), envelope.id().toString(),
                    envelope.sender(), r.address(), null, null, 250, "2.0.0", null, 0, 0, null));
        }
    }

    @Override
    public void suppressed(long timeMillis, String sender, String recipient, Suppression entry) {
        events.append(suppressedEvent(timeMillis, sender, recipient, entry));
    }

    /** The Suppressed line: reply 550 5.7.1, the entry's reason as detail and its scope in the text. */
    public static Event suppressedEvent(long timeMillis, String sender, String recipient, Suppression entry) {
        String scope = entry.global() ? "global" : "sender domain " + entry.scope();
        return new Event(EventType.Suppressed, timeMillis, null, sender, recipient, null, null, 550, "5.7.1",
                "recipient suppressed (" + scope + ")", 0, 0, entry.reason());
    }

    @Override
    public void consumed() {
        metrics.intakeMessage("consumed");
    }

    @Override
    public void refused(String result) {
        metrics.intakeMessage(result);
    }
}
