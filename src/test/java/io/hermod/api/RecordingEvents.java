package io.hermod.api;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventSink} that keeps every event. */
final class RecordingEvents implements EventSink {

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void append(Event event) {
        events.add(event);
    }

    List<Event> ofType(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }
}
