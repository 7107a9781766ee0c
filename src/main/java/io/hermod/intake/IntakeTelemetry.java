package io.hermod.intake;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;

/** Intake replies and results into the meters, and a Reception line per recipient into the event log. */
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
    public void accepted(Envelope envelope) {
        metrics.intakeMessage("accepted");
        for (Recipient r : envelope.recipients()) {
            events.append(new Event(EventType.Reception, envelope.arrivalMillis(), envelope.id().toString(),
                    envelope.sender(), r.address(), null, null, 250, "2.0.0", null, 0, 0, null));
        }
    }

    @Override
    public void refused(String result) {
        metrics.intakeMessage(result);
    }
}
