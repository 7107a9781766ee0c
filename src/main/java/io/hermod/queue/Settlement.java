package io.hermod.queue;

import io.hermod.bounce.FailedRecipient;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.spool.Recipient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Turns one attempt's typed outcomes into what happens to each recipient: final with its reason,
 * deferred until when, sent again at once, a DSN due, a delay report due. A pure function of the
 * delivery, the outcomes, the time and the policy: no I/O, no Vert.x; the shard applies the
 * {@link Plan} (spool records, events, bounces, the schedule).
 */
final class Settlement {

    private final RetryPolicy retry;
    private final long maxAgeMillis;
    private final long delayWarningMillis;
    private final DoubleSupplier jitter;

    /**
     * @param delayWarning null for no delay reports
     * @param jitter       uniform in [0, 1); a constant in tests
     */
    Settlement(RetryPolicy retry, Duration maxAge, Duration delayWarning, DoubleSupplier jitter) {
        this.retry = retry;
        this.maxAgeMillis = maxAge.toMillis();
        this.delayWarningMillis = delayWarning == null ? Long.MAX_VALUE : delayWarning.toMillis();
        this.jitter = jitter;
    }

    /** One recipient's new state, why, and what to tell the event log. */
    record Change(int index, Recipient after, Verdict verdict, Outcome outcome) {
    }

    /**
     * What to do. {@code changes} lists every recipient whose state changed (in outcome order);
     * {@code bounced} need a DSN before their final state may be recorded; {@code deferred} wait
     * until {@code dueMillis}; {@code resend} go out again now; {@code delayed} is non-empty when
     * the one delay report of this message is due now.
     */
    record Plan(List<Change> changes, List<FailedRecipient> bounced, List<Integer> bouncedIndexes,
                List<Integer> deferred, long dueMillis, List<Integer> resend, List<FailedRecipient> delayed) {

        boolean finished() {
            return deferred.isEmpty() && resend.isEmpty();
        }
    }

    /**
     * Settles an attempt.
     *
     * @param states          every recipient's state before the attempt (indexed as in the envelope)
     * @param remote          the host that answered, for DSNs; null when none did
     * @param notBeforeMillis deferred recipients wait at least until then (a site's backoff); 0 for none
     * @param delayReported   whether this message's delay report has gone out already
     */
    Plan settle(long arrivalMillis, Recipient[] states, List<RecipientOutcome> outcomes, String remote, long now,
                long notBeforeMillis, boolean delayReported) {
        return settle(arrivalMillis, states, outcomes, remote, now, notBeforeMillis, delayReported, retry);
    }

    /** Settles an attempt with the retry schedule of the site it went to (shaping's {@code retry_*}). */
    Plan settle(long arrivalMillis, Recipient[] states, List<RecipientOutcome> outcomes, String remote, long now,
                long notBeforeMillis, boolean delayReported, RetryPolicy retry) {
        List<Change> changes = new ArrayList<>();
        List<FailedRecipient> bounced = new ArrayList<>();
        List<Integer> bouncedIndexes = new ArrayList<>();
        List<Integer> deferred = new ArrayList<>();
        List<Integer> resend = new ArrayList<>();
        List<Outcome> deferredOutcomes = new ArrayList<>();
        long expiry = arrivalMillis + maxAgeMillis;
        int attempts = 0;
        for (RecipientOutcome o : outcomes) {
            attempts = Math.max(attempts, states[o.index()].attempts() + 1);
        }
        long due = Math.min(Math.max(now + retry.delayMillis(attempts, jitter.getAsDouble()), notBeforeMillis), expiry);
        boolean expired = now >= expiry;
        for (RecipientOutcome o : outcomes) {
            Recipient before = states[o.index()];
            Verdict verdict = Verdict.of(o.outcome());
            if (verdict == Verdict.RESEND) {
                if (expired) {
                    changes.add(expire(o.index(), before, bounced, bouncedIndexes));
                } else {
                    resend.add(o.index());
                }
                continue;
            }
            String result = describe(o.outcome());
            if (verdict == Verdict.DEFERRED && expired) {
                Recipient tried = new Recipient(before.address(), before.state(), before.attempts() + 1, 0, result);
                changes.add(new Change(o.index(), tried, Verdict.DEFERRED, o.outcome()));
                changes.add(expire(o.index(), tried, bounced, bouncedIndexes));
                continue;
            }
            Recipient after = new Recipient(before.address(), verdict.state, before.attempts() + 1,
                    verdict == Verdict.DEFERRED ? due : 0, result);
            changes.add(new Change(o.index(), after, verdict, o.outcome()));
            if (verdict == Verdict.BOUNCED) {
                bounced.add(new FailedRecipient(after.address(), statusOf(o.outcome(), 5), remote, result));
                bouncedIndexes.add(o.index());
            } else if (verdict == Verdict.DEFERRED) {
                deferred.add(o.index());
                deferredOutcomes.add(o.outcome());
            }
        }
        List<FailedRecipient> delayed = new ArrayList<>();
        if (!deferred.isEmpty() && !delayReported && now - arrivalMillis >= delayWarningMillis) {
            for (int i = 0; i < deferred.size(); i++) {
                Outcome outcome = deferredOutcomes.get(i);
                delayed.add(new FailedRecipient(states[deferred.get(i)].address(), statusOf(outcome, 4), remote,
                        describe(outcome)));
            }
        }
        return new Plan(changes, bounced, bouncedIndexes, deferred, due, resend, delayed);
    }

    /** {@code queue.max_age} has passed: every pending recipient expires and bounces with 4.4.7 naming the last reason. */
    Plan expire(Recipient[] states, List<Integer> pending) {
        List<Change> changes = new ArrayList<>();
        List<FailedRecipient> bounced = new ArrayList<>();
        List<Integer> bouncedIndexes = new ArrayList<>();
        for (int index : pending) {
            changes.add(expire(index, states[index], bounced, bouncedIndexes));
        }
        return new Plan(changes, bounced, bouncedIndexes, List.of(), 0, List.of(), List.of());
    }

    boolean expired(long arrivalMillis, long now) {
        return now >= arrivalMillis + maxAgeMillis;
    }

    private Change expire(int index, Recipient before, List<FailedRecipient> bounced, List<Integer> bouncedIndexes) {
        String reason = "4.4.7 message expired after " + Duration.ofMillis(maxAgeMillis) + " in the queue"
                + (before.lastResult().isEmpty() ? "" : "; last result: " + before.lastResult());
        Recipient after = new Recipient(before.address(), Verdict.EXPIRED.state, before.attempts(), 0, reason);
        bounced.add(new FailedRecipient(after.address(), "4.4.7", null, reason));
        bouncedIndexes.add(index);
        return new Change(index, after, Verdict.EXPIRED, null);
    }

    /** The text kept with the recipient: the reply as received, or the status and what went wrong. */
    static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Failed f) {
            return f.status() + " " + f.detail();
        }
        return outcome.text();
    }

    /** The RFC 3463 status for a DSN: the outcome's own, else {@code X.0.0} of the given class. */
    static String statusOf(Outcome outcome, int defaultClass) {
        EnhancedStatus status = outcome == null ? null : outcome.status();
        return status != null && status.statusClass() == defaultClass ? status.toString() : defaultClass + ".0.0";
    }
}
