package io.hermod.eventlog;

/** What happened to one recipient (or, for AdminAction, what an operator did). */
public enum EventType {
    Reception, Delivery, TransientFailure, Bounce, Expiration, AdminAction,
    /** A recipient refused at intake (RCPT or HTTP injection) because it is on the suppression list. */
    Suppressed,
    /**
     * A shaping automation rule applied to a site × source: {@code destinationHost} names the site,
     * {@code text} the reply that set it off, {@code detail} the rule, action, source and duration.
     */
    AutomationApplied
}
