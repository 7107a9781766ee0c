package io.hermod.intake;

import io.hermod.spool.Envelope;
import io.hermod.spool.Suppression;

/** Told about every reply a session sends and how each message ended (for metrics and the event log). */
public interface IntakeObserver {

    /** Ignores everything; an observer overrides what it records. */
    IntakeObserver NONE = new IntakeObserver() {
    };

    default void reply(int code) {
    }

    /** The message is committed to the spool and queued. */
    default void accepted(Envelope envelope) {
    }

    /** The message was refused at the end of DATA: a {@link DataRefusal} result, or spool_error. */
    default void refused(String result) {
    }

    /**
     * How long an accepted message waited for its 250: from the end of its data to the reply,
     * which is the spool's durable write and the waits for the writer and the event loop.
     */
    default void acceptanceTime(long nanos) {
    }

    /** A message for inbound domains only was consumed (read as a report), not spooled. */
    default void consumed() {
    }

    /** A recipient was refused at RCPT because {@code entry} suppresses it. */
    default void suppressed(long timeMillis, String sender, String recipient, Suppression entry) {
    }
}
