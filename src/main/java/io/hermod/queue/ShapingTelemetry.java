package io.hermod.queue;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import io.hermod.metrics.HermodMetrics;
import io.hermod.shaping.AutomationRule;
import java.time.Clock;

/** Shaping's meters and event-log lines: throttle waits, and each automation rule applied. */
final class ShapingTelemetry implements SiteServices.ShapingObserver {

    private final HermodMetrics metrics;
    private final EventSink events;
    private final Clock clock;

    ShapingTelemetry(HermodMetrics metrics, EventSink events, Clock clock) {
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void throttled(String provider, String source, String limit) {
        metrics.shapingThrottled(provider, source, limit);
    }

    @Override
    public void automation(String site, String provider, String source, AutomationRule rule, String reply,
                           long untilMillis) {
        metrics.shapingAutomation(provider, source, rule.action().keyword());
        long now = clock.millis();
        String detail = "rule " + rule.name() + ": " + rule.action().keyword() + " site " + site + " source " + source
                + " for " + (untilMillis - now) / 1000 + " s";
        events.append(new Event(EventType.AutomationApplied, now, null, null, null, site, null, 0, null, reply, 0, 0,
                detail));
    }
}
