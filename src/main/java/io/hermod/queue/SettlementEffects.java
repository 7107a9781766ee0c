package io.hermod.queue;

import io.hermod.bounce.BounceCategory;
import io.hermod.bounce.FailedRecipient;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.delivery.Destination;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.hermod.spool.Suppression;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Carries out what a {@link Settlement.Plan} says beyond the schedule: the recipients' new states
 * into the delivery and the spool, one event and meter update per outcome, the DSN for failed
 * recipients, the message's one delay report, and the suppression entry of a recipient whose
 * bounce says the address is gone.
 */
final class SettlementEffects {

    private static final System.Logger LOG = System.getLogger(SettlementEffects.class.getName());

    private final MessageLedger ledger;
    private final BounceReporter bounces;
    private final QueueTelemetry telemetry;
    private final RetryPolicy retry;
    private final Clock clock;
    private final SuppressionPolicy suppression;
    private final Function<Suppression, CompletableFuture<Void>> suppress;

    SettlementEffects(MessageLedger ledger, BounceReporter bounces, QueueTelemetry telemetry, RetryPolicy retry,
                      Clock clock) {
        this(ledger, bounces, telemetry, retry, clock, SuppressionPolicy.OFF, entry -> CompletableFuture.completedFuture(null));
    }

    /** {@code suppress} adds an entry to the suppression list (durably, when its future completes). */
    SettlementEffects(MessageLedger ledger, BounceReporter bounces, QueueTelemetry telemetry, RetryPolicy retry,
                      Clock clock, SuppressionPolicy suppression, Function<Suppression, CompletableFuture<Void>> suppress) {
        this.ledger = ledger;
        this.bounces = bounces;
        this.telemetry = telemetry;
        this.retry = retry;
        this.clock = clock;
        this.suppression = suppression;
        this.suppress = suppress;
    }

    /** States, events and spool records; failed recipients are recorded later, by {@link #report}. */
    void apply(Delivery delivery, Settlement.Plan plan, Destination.Candidate remote) {
        Set<Integer> reported = new HashSet<>(plan.bouncedIndexes());
        for (Settlement.Change change : plan.changes()) {
            BounceCategory category = telemetry.classify(change.verdict(), change.outcome());
            Recipient after = category == null ? change.after() : change.after().withCategory(category.label());
            delivery.states[change.index()] = after;
            if (change.verdict().event != null) {
                telemetry.outcome(change.verdict(), delivery.envelope, after, change.outcome(), category, remote);
            }
            if (!reported.contains(change.index())) {
                ledger.record(delivery.envelope, change.index(), after);
            }
            if (change.verdict() == Verdict.BOUNCED) {
                suppress(delivery.envelope.sender(), after.address(), category);
            }
        }
        if (!plan.delayed().isEmpty() && ledger.claimDelayReport(delivery.envelope)) {
            bounces.delayed(delivery.envelope, plan.delayed());
        }
    }

    /**
     * Failed recipients are recorded final only after their report is in the spool, so the
     * original (whose headers the report quotes) cannot be removed first, and a crash in between
     * repeats the report rather than losing it. When no report can be spooled the recipients stay
     * pending and come back to {@code requeue} for a later attempt, which fails them again and
     * retries the report. {@code reported} runs once the report is spooled and the recipients'
     * final states submitted.
     */
    void report(Delivery delivery, Settlement.Plan plan, Consumer<Delivery> requeue, Runnable reported) {
        List<FailedRecipient> failed = plan.bounced();
        if (failed.isEmpty()) {
            return;
        }
        List<Integer> settled = List.copyOf(plan.bouncedIndexes());
        Recipient[] states = delivery.states.clone();
        bounces.failed(delivery.envelope, failed).onComplete(done -> {
            if (done.succeeded()) {
                for (int index : settled) {
                    ledger.record(delivery.envelope, index, states[index]);
                }
                reported.run();
                return;
            }
            long due = clock.millis() + retry.delayMillis(maxAttempts(states, settled) + 1, Math.random());
            Recipient[] again = states.clone();
            for (int index : settled) {
                Recipient r = again[index];
                again[index] = new Recipient(r.address(), RecipientState.PENDING, r.attempts(), due, r.lastResult());
            }
            Delivery retryLater = delivery.fork(settled, due);
            System.arraycopy(again, 0, retryLater.states, 0, again.length);
            requeue.accept(retryLater);
        });
    }

    /** Adds the entry, if the bounce calls for one; a failed write is logged, and the bounce goes on regardless. */
    private void suppress(String sender, String recipient, BounceCategory category) {
        suppression.afterBounce(sender, recipient, category, clock.millis()).ifPresent(entry ->
                suppress.apply(entry).whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.WARNING, "suppression: cannot add " + recipient + ": "
                                + failure.getMessage());
                    }
                }));
    }

    private static int maxAttempts(Recipient[] states, List<Integer> indexes) {
        int max = 0;
        for (int index : indexes) {
            max = Math.max(max, states[index].attempts());
        }
        return max;
    }
}
