package io.hermod.eventlog;

/** Where pipeline stages report events; must not block (called on event loops). */
@FunctionalInterface
public interface EventSink {

    EventSink NONE = event -> { };

    void append(Event event);
}
