package io.hermod.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.bounce.FailedRecipient;
import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.smtp.Reply;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settlement as a pure function: no Vert.x, no sockets, a fixed clock and no jitter. */
class SettlementTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), 2);

    private final Settlement settlement = new Settlement(RETRY, Duration.ofDays(5), Duration.ofHours(4), () -> 0.5);

    private static Recipient[] recipients(String... addresses) {
        Recipient[] states = new Recipient[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            states[i] = Recipient.pending(addresses[i]);
        }
        return states;
    }

    private static RecipientOutcome answered(int index, ClientStep step, int code, String status, String text) {
        return new RecipientOutcome(index, new Outcome.Answered(step, Reply.of(code, status, text)));
    }

    private static RecipientOutcome refused(int index) {
        return new RecipientOutcome(index, Outcome.Failed.of(Failure.CONNECT, ClientStep.CONNECT,
                "connect to mx.example.net[192.0.2.1]:25 failed: Connection refused"));
    }

    @Test
    void retryLadder_growsByTheFactor_andStopsAtMax() {
        Recipient[] states = recipients("a@example.net");
        List<Long> delays = new ArrayList<>();
        long now = T0;
        for (int attempt = 1; attempt <= 8; attempt++) {
            Settlement.Plan plan = settlement.settle(T0, states, List.of(refused(0)), null, now, 0, true);
            assertThat(plan.deferred()).containsExactly(0);
            delays.add(plan.dueMillis() - now);
            states[0] = plan.changes().get(0).after();
            assertThat(states[0].attempts()).isEqualTo(attempt);
            now = plan.dueMillis();
        }
        assertThat(delays).containsExactly(1 * MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 32 * MINUTE,
                60 * MINUTE, 60 * MINUTE);
    }

    @Test
    void retryFactor_ofOne_keepsTheInitialDelay() {
        Settlement flat = new Settlement(new RetryPolicy(Duration.ofMinutes(5), Duration.ofHours(1), 1),
                Duration.ofDays(5), null, () -> 0.5);
        Recipient[] states = recipients("a@example.net");
        states[0] = new Recipient("a@example.net", RecipientState.PENDING, 6, 0, "");
        Settlement.Plan plan = flat.settle(T0, states, List.of(refused(0)), null, T0, 0, false);
        assertThat(plan.dueMillis() - T0).isEqualTo(5 * MINUTE);
    }

    @Test
    void jitter_staysWithinTwentyPercent() {
        Settlement low = new Settlement(RETRY, Duration.ofDays(5), null, () -> 0.0);
        Settlement high = new Settlement(RETRY, Duration.ofDays(5), null, () -> 0.999999);
        Recipient[] states = recipients("a@example.net");
        assertThat(low.settle(T0, states, List.of(refused(0)), null, T0, 0, false).dueMillis() - T0).isEqualTo(48_000);
        assertThat(high.settle(T0, states, List.of(refused(0)), null, T0, 0, false).dueMillis() - T0)
                .isEqualTo(72_000);
    }

    @Test
    void partialResult_deliversBouncesAndDefers_eachWithItsReply() {
        Recipient[] states = recipients("ok@example.net", "gone@example.net", "later@example.net");
        Settlement.Plan plan = settlement.settle(T0, states, List.of(
                answered(0, ClientStep.END_OF_DATA, 250, "2.0.0", "Ok: queued as X"),
                answered(1, ClientStep.RCPT, 550, "5.1.1", "no such user"),
                answered(2, ClientStep.RCPT, 451, "4.3.0", "try again later")), "mx.example.net", T0, 0, false);

        assertThat(plan.changes()).extracting(Settlement.Change::verdict)
                .containsExactly(Verdict.DELIVERED, Verdict.BOUNCED, Verdict.DEFERRED);
        assertThat(plan.changes()).extracting(c -> c.after().state())
                .containsExactly(RecipientState.DELIVERED, RecipientState.BOUNCED, RecipientState.PENDING);
        assertThat(plan.changes().get(1).after().lastResult()).isEqualTo("550 5.1.1 no such user");
        assertThat(plan.bounced()).containsExactly(
                new FailedRecipient("gone@example.net", "5.1.1", "mx.example.net", "550 5.1.1 no such user"));
        assertThat(plan.bouncedIndexes()).containsExactly(1);
        assertThat(plan.deferred()).containsExactly(2);
        assertThat(plan.dueMillis()).isEqualTo(T0 + MINUTE);
        assertThat(plan.changes().get(2).after().nextAttemptMillis()).isEqualTo(T0 + MINUTE);
        assertThat(plan.resend()).isEmpty();
        assertThat(plan.delayed()).isEmpty();
    }

    @Test
    void siteFailure_isAnAttempt_andWaitsForTheBackoffToEnd() {
        Recipient[] states = recipients("a@example.net", "b@example.net");
        long backoffEnd = T0 + 10 * MINUTE;
        Settlement.Plan plan = settlement.settle(T0, states, List.of(refused(0), refused(1)), null, T0, backoffEnd, false);

        assertThat(plan.deferred()).containsExactly(0, 1);
        assertThat(plan.dueMillis()).isEqualTo(backoffEnd);
        assertThat(plan.changes()).allSatisfy(c -> {
            assertThat(c.verdict()).isEqualTo(Verdict.DEFERRED);
            assertThat(c.after().attempts()).isEqualTo(1);
            assertThat(c.after().lastResult())
                    .isEqualTo("4.4.1 connect to mx.example.net[192.0.2.1]:25 failed: Connection refused");
        });
    }

    @Test
    void tooManyRecipients_andUnsent_goAgainAtOnce_withNoAttemptCounted() {
        Recipient[] states = recipients("a@example.net", "b@example.net", "c@example.net");
        Settlement.Plan plan = settlement.settle(T0, states, List.of(
                answered(0, ClientStep.END_OF_DATA, 250, "2.0.0", "Ok"),
                new RecipientOutcome(1, new Outcome.Unsent("452 4.5.3 too many recipients")),
                new RecipientOutcome(2, new Outcome.Unsent("over delivery.max_recipients_per_transaction"))),
                "mx", T0, 0, false);

        assertThat(plan.resend()).containsExactly(1, 2);
        assertThat(plan.deferred()).isEmpty();
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.index()).isZero());
        assertThat(plan.finished()).isFalse();
    }

    @Test
    void delayWarning_isDueOnceTheAgeIsReached_andNotWhenAlreadyReported() {
        Recipient[] states = recipients("a@example.net");
        long early = T0 + Duration.ofHours(3).toMillis();
        long late = T0 + Duration.ofHours(4).toMillis();
        assertThat(settlement.settle(T0, states, List.of(refused(0)), null, early, 0, false).delayed()).isEmpty();
        Settlement.Plan due = settlement.settle(T0, states, List.of(refused(0)), "mx", late, 0, false);
        assertThat(due.delayed()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo("4.4.1");
            assertThat(f.diagnostic()).startsWith("4.4.1 connect to ");
        });
        assertThat(settlement.settle(T0, states, List.of(refused(0)), null, late, 0, true).delayed()).isEmpty();
    }

    @Test
    void delayReport_isNotDueWhenNothingIsDeferred() {
        Recipient[] states = recipients("a@example.net");
        long late = T0 + Duration.ofHours(5).toMillis();
        Settlement.Plan plan = settlement.settle(T0, states,
                List.of(answered(0, ClientStep.END_OF_DATA, 250, "2.0.0", "Ok")), "mx", late, 0, false);
        assertThat(plan.delayed()).isEmpty();
        assertThat(plan.finished()).isTrue();
    }

    @Test
    void deferralAfterMaxAge_expires_namingTheLastReason() {
        Recipient[] states = recipients("a@example.net");
        long after = T0 + Duration.ofDays(5).toMillis();
        Settlement.Plan plan = settlement.settle(T0, states, List.of(refused(0)), null, after, 0, false);

        assertThat(plan.deferred()).isEmpty();
        assertThat(plan.changes()).extracting(Settlement.Change::verdict).containsExactly(Verdict.DEFERRED, Verdict.EXPIRED);
        Recipient expired = plan.changes().get(1).after();
        assertThat(expired.state()).isEqualTo(RecipientState.EXPIRED);
        assertThat(expired.attempts()).isEqualTo(1);
        assertThat(expired.lastResult()).isEqualTo("4.4.7 message expired after PT120H in the queue; last result: "
                + "4.4.1 connect to mx.example.net[192.0.2.1]:25 failed: Connection refused");
        assertThat(plan.bounced()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo("4.4.7");
            assertThat(f.diagnostic()).contains("Connection refused");
        });
        assertThat(plan.delayed()).isEmpty();
    }

    @Test
    void nextAttempt_neverLiesBeyondExpiry() {
        Recipient[] states = recipients("a@example.net");
        long almost = T0 + Duration.ofDays(5).toMillis() - 10_000;
        Settlement.Plan plan = settlement.settle(T0, states, List.of(refused(0)), null, almost, 0, true);
        assertThat(plan.dueMillis()).isEqualTo(T0 + Duration.ofDays(5).toMillis());
    }

    @Test
    void expire_bouncesEveryPendingRecipientWith447() {
        Recipient[] states = recipients("a@example.net", "b@example.net");
        states[1] = new Recipient("b@example.net", RecipientState.PENDING, 3, 0, "451 4.3.0 try again later");
        Settlement.Plan plan = settlement.expire(states, List.of(0, 1));
        assertThat(plan.changes()).extracting(c -> c.after().state()).containsOnly(RecipientState.EXPIRED);
        assertThat(plan.bounced()).extracting(FailedRecipient::diagnostic).containsExactly(
                "4.4.7 message expired after PT120H in the queue",
                "4.4.7 message expired after PT120H in the queue; last result: 451 4.3.0 try again later");
        assertThat(plan.finished()).isTrue();
    }

    @Test
    void permanentLocalFailure_bouncesWithItsOwnStatus() {
        Recipient[] states = recipients("a@nullmx.example");
        Outcome nullMx = NextHop.Lookup.failed(true, io.hermod.smtp.EnhancedStatus.of("5.1.10"), "null MX").failure();
        Settlement.Plan plan = settlement.settle(T0, states, List.of(new RecipientOutcome(0, nullMx)), null, T0, 0, false);
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.verdict()).isEqualTo(Verdict.BOUNCED));
        assertThat(plan.bounced()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo("5.1.10");
            assertThat(f.diagnostic()).isEqualTo("5.1.10 null MX");
        });
    }

    @Test
    void verdict_isTheOneMapping_fromOutcomeToStateEventAndLabel() {
        assertThat(Verdict.of(new Outcome.Answered(ClientStep.END_OF_DATA, Reply.of(250, "2.0.0", "Ok"))))
                .isEqualTo(Verdict.DELIVERED);
        assertThat(Verdict.of(new Outcome.Answered(ClientStep.RCPT, Reply.of(452, "4.5.3", "too many"))))
                .isEqualTo(Verdict.DEFERRED);
        assertThat(Verdict.of(new Outcome.Answered(ClientStep.MAIL, Reply.plain(554, "no"))))
                .isEqualTo(Verdict.BOUNCED);
        assertThat(Verdict.of(Outcome.Failed.of(Failure.TIMEOUT, ClientStep.DATA, "timeout"))).isEqualTo(Verdict.DEFERRED);
        assertThat(Verdict.of(new Outcome.Unsent("later"))).isEqualTo(Verdict.RESEND);
        assertThat(Verdict.DEFERRED.event).isEqualTo(io.hermod.eventlog.EventType.TransientFailure);
        assertThat(Verdict.BOUNCED.metricLabel).isEqualTo("failed");
        assertThat(Verdict.RESEND.event).isNull();
    }
}
