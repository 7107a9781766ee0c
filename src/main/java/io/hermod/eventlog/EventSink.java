package io.hermod.eventlog;

/** Where pipeline stages report events; must not block (called on event loops). */
@FunctionalInterface
public interface EventSink {

    EventSink NONE = event -> { };

    void append(Event event);

    /**
     * Blocks until every event appended before is written (not synced); for a caller that must not
     * answer before its event is out of memory. Never on an event loop. Nothing to do for a sink
     * that writes as it is handed events.
     */
    default void flush() {
    }
}
