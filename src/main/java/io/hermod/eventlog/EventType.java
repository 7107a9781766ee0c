package io.hermod.eventlog;

/** What happened to one recipient (or, for AdminAction, what an operator did). */
public enum EventType {
    Reception, Delivery, TransientFailure, Bounce, Expiration, AdminAction,
    /** A recipient refused at intake (RCPT or HTTP injection) because it is on the suppression list. */
    Suppressed,
    /** A bounce that came back later by mail (RFC 3464), matched to the message and recipient it reports on. */
    OOB,
    /** A complaint or other feedback report (RFC 5965 ARF) naming the recipient it is about. */
    Feedback,
    /** Mail to an inbound domain that is no report Hermod can read or match; its headers are in {@code detail}. */
    Unparsed,
    /**
     * A shaping automation rule applied to a site × source: {@code destinationHost} names the site,
     * {@code text} the reply that set it off, {@code detail} the rule, action, source and duration.
     */
    AutomationApplied
}
