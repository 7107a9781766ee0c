package io.hermod.queue;

import io.hermod.delivery.Outcome;
import io.hermod.eventlog.EventType;
import io.hermod.spool.RecipientState;

/**
 * What an outcome means for a recipient, and the one place where that maps to its spool state,
 * its event type and its {@code hermod_delivery_attempts_total{result}} label.
 */
enum Verdict {
    DELIVERED(RecipientState.DELIVERED, EventType.Delivery, "delivered"),
    DEFERRED(RecipientState.PENDING, EventType.TransientFailure, "deferred"),
    BOUNCED(RecipientState.BOUNCED, EventType.Bounce, "failed"),
    EXPIRED(RecipientState.EXPIRED, EventType.Expiration, "expired"),
    /** Not tried (see {@link Outcome.Unsent}): no attempt counted, no event, sent again at once. */
    RESEND(RecipientState.PENDING, null, null);

    final RecipientState state;
    final EventType event;
    final String metricLabel;

    Verdict(RecipientState state, EventType event, String metricLabel) {
        this.state = state;
        this.event = event;
        this.metricLabel = metricLabel;
    }

    static Verdict of(Outcome outcome) {
        if (outcome instanceof Outcome.Unsent) {
            return RESEND;
        }
        return outcome.delivered() ? DELIVERED : outcome.permanent() ? BOUNCED : DEFERRED;
    }

    /** Whether this verdict counts as an attempt on the recipient. */
    boolean counted() {
        return this != RESEND && this != EXPIRED;
    }
}
