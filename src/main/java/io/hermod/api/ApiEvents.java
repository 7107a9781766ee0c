package io.hermod.api;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;

/** The event-log lines the API writes: one Reception per injected recipient, one AdminAction per operator call. */
final class ApiEvents {

    private ApiEvents() {
    }

    static Event reception(Envelope envelope, Recipient recipient, long nowMillis) {
        return new Event(EventType.Reception, nowMillis, envelope.id().toString(), envelope.sender(),
                recipient.address(), null, null, 0, null, null, 0, 0, null, null, envelope.tags().tenant(),
                envelope.tags().campaign(), envelope.tags().pool());
    }

    /**
     * @param messageId the message acted on, or null for a domain action
     * @param detail    what was done, e.g. {@code "suspend example.com"}
     */
    static Event adminAction(String messageId, String detail, long nowMillis) {
        return new Event(EventType.AdminAction, nowMillis, messageId, null, null, null, null, 0, null, null, 0, 0,
                detail);
    }
}
