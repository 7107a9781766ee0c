package io.hermod.feedback;

import io.hermod.eventlog.Event;
import io.hermod.spool.Suppression;
import java.util.List;

/**
 * What one consumed message yields: its events (OOB, Feedback or Unparsed lines), the suppression
 * entries it adds, and its kind for {@code hermod_feedback_reports_total{type}}.
 *
 * @param type {@code oob}, {@code feedback} or {@code unparsed}
 */
record Matched(String type, List<Event> events, List<Suppression> suppressions) {

    Matched {
        events = List.copyOf(events);
        suppressions = List.copyOf(suppressions);
    }
}
