package io.hermod.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.hermod.bounce.Classifier;
import io.hermod.bounce.FailedRecipient;
import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Destination;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.delivery.TransactionResult;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.metrics.HermodMetrics;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Suppression;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.config.SuppressionConfig;
import java.util.Optional;
import io.hermod.spool.Recipient;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The schedule of one shard, driven with a fake world: a clock the test moves, lookups the test
 * answers, and a record of what was lent to sites. No Vert.x, no sockets, no spool.
 */
class QueueShardTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Destination SITE = Destination.route("127.0.0.1", 2526);

    private final FakeWorld world = new FakeWorld();
    private final List<Event> events = new ArrayList<>();
    private final List<List<FailedRecipient>> delayReports = new ArrayList<>();
    private final List<Recipient> recorded = new ArrayList<>();
    private final List<Suppression> suppressed = new ArrayList<>();
    private final MessageLedger ledger = new MessageLedger(new MessageLedger.Writes() {
        @Override
        public CompletableFuture<Void> record(MessageId id, int index, Recipient state) {
            recorded.add(state);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> delete(Envelope envelope) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> markDelayReported(MessageId id) {
            delayMarks.add(id);
            return CompletableFuture.completedFuture(null);
        }
    });
    private final List<MessageId> delayMarks = new ArrayList<>();
    private final HermodMetrics metrics = HermodMetrics.noop();
    private final RetryPolicy retry = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), 2);
    private final QueueShard shard = new QueueShard(world,
            new Settlement(retry, Duration.ofDays(5), Duration.ofHours(1), () -> 0.5),
            new SettlementEffects(ledger, new BounceReporter() {
                @Override
                public Future<Void> failed(Envelope envelope, List<FailedRecipient> recipients) {
                    return Future.succeededFuture();
                }

                @Override
                public void delayed(Envelope envelope, List<FailedRecipient> recipients) {
                    delayReports.add(recipients);
                }
            }, new QueueTelemetry(metrics, events::add, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC),
                    Classifier.builtIn()),
                    retry, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC),
                    new SuppressionPolicy(new SuppressionConfig(true, Optional.of(Duration.ofDays(30)),
                            SuppressionConfig.Scope.SENDER_DOMAIN)),
                    entry -> {
                        suppressed.add(entry);
                        return CompletableFuture.completedFuture(null);
                    }),
            ledger);

    private Delivery message(long id, String... recipients) {
        List<Recipient> rs = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < recipients.length; i++) {
            rs.add(Recipient.pending(recipients[i]));
            indexes.add(i);
        }
        Envelope envelope = new Envelope(new MessageId(id), "sender@example.org", rs, T0, 100, 1, false, false,
                "client", "127.0.0.1");
        ledger.register(envelope);
        return new Delivery(envelope, rs.get(0).domain(), indexes);
    }

    private static TransactionResult refusedConnection(Delivery d) {
        return TransactionResult.all(d.pending(), Outcome.Failed.of(Failure.CONNECT, ClientStep.CONNECT,
                "connect to 127.0.0.1:2526 failed: Connection refused"), true, null);
    }

    @Test
    void dueDelivery_waitsForTheLookup_thenIsLentToItsSite() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        assertThat(world.lent).isEmpty();
        assertThat(world.lookups).hasSize(1);
        world.answer(0, NextHop.Lookup.found(SITE));
        assertThat(world.lent).containsExactly(d);
        // the next one for the domain goes straight to the site: the next hop is known
        Delivery e = message(2, "b@example.net");
        shard.accept(e);
        assertThat(world.lookups).hasSize(1);
        assertThat(world.lent).containsExactly(d, e);
    }

    @Test
    void connectionFailure_isAnAttempt_withAnEvent_andComesBackAfterTheBackoff() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        long backoffEnd = T0 + Duration.ofMinutes(5).toMillis();
        shard.attempted(d, refusedConnection(d), backoffEnd);

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.TransientFailure);
            assertThat(e.enhancedCode()).isEqualTo("4.4.1");
            assertThat(e.text()).contains("Connection refused");
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.category()).isEqualTo("bad-connection");
        });
        assertThat(failures("bad-connection", "deferral")).isEqualTo(1.0);
        assertThat(failures("bad-connection", "bounce")).isZero();
        assertThat(recorded).singleElement().satisfies(r -> {
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.category()).isEqualTo("bad-connection"); // kept with the state, for the API's view
        });
        assertThat(world.wakeAt).isEqualTo(backoffEnd);
        world.now = backoffEnd;
        world.lent.clear();
        shard.wake();
        world.answer(1, NextHop.Lookup.found(SITE)); // the next hop is older than REFRESH_MILLIS: looked up again
        assertThat(world.lent).containsExactly(d);
    }

    @Test
    void delayReport_goesOutOncePerMessage_evenAcrossDomains() {
        Delivery d = message(1, "a@one.example", "b@two.example");
        Delivery one = new Delivery(d.envelope, "one.example", List.of(0));
        Delivery two = new Delivery(d.envelope, "two.example", List.of(1));
        world.now = T0 + Duration.ofHours(2).toMillis();
        shard.accept(one);
        shard.accept(two);
        world.answer(0, NextHop.Lookup.found(SITE));
        world.answer(1, NextHop.Lookup.found(SITE));
        shard.attempted(one, refusedConnection(one), 0);
        shard.attempted(two, refusedConnection(two), 0);
        assertThat(delayReports).hasSize(1);
        assertThat(delayMarks).containsExactly(d.envelope.id());
    }

    @Test
    void delayReport_markedInTheSpool_isNotSentAgainAfterARestart() {
        Delivery d = message(1, "a@example.net");
        Envelope recovered = d.envelope.withDelayReported();
        ledger.register(recovered);
        Delivery again = new Delivery(recovered, "example.net", List.of(0));
        world.now = T0 + Duration.ofHours(2).toMillis();
        shard.accept(again);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(again, refusedConnection(again), 0);
        assertThat(delayReports).isEmpty();
        assertThat(delayMarks).isEmpty();
    }

    @Test
    void tooManyRecipients_theRestAreLentAgainAtOnce() {
        Delivery d = message(1, "a@example.net", "b@example.net", "c@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        world.lent.clear();
        shard.attempted(d, new TransactionResult(List.of(
                new RecipientOutcome(0, new Outcome.Answered(ClientStep.END_OF_DATA, Reply.of(250, "2.0.0", "Ok"))),
                new RecipientOutcome(1, new Outcome.Unsent("over delivery.max_recipients_per_transaction")),
                new RecipientOutcome(2, new Outcome.Unsent("over delivery.max_recipients_per_transaction"))),
                true, false, null), 0);
        assertThat(world.lent).singleElement().satisfies(again -> assertThat(again.pending()).containsExactly(1, 2));
        assertThat(events).extracting(Event::type).containsExactly(EventType.Delivery);
        assertThat(world.wakeAt).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void dnsFailure_defersEveryWaitingDelivery_asAnAttempt() {
        Delivery d = message(1, "a@example.net");
        Delivery e = message(2, "b@example.net");
        shard.accept(d);
        shard.accept(e);
        world.answer(0, NextHop.Lookup.failed(false, null, "SERVFAIL from 127.0.0.1:53"));
        assertThat(world.lent).isEmpty();
        assertThat(events).extracting(Event::type).containsExactly(EventType.TransientFailure, EventType.TransientFailure);
        assertThat(events.get(0).enhancedCode()).isEqualTo("4.4.3");
        assertThat(events).extracting(Event::category).containsExactly("routing-errors", "routing-errors");
        assertThat(world.wakeAt).isEqualTo(T0 + 60_000);
    }

    @Test
    void suspend_withdrawsFromTheSite_andResumeLendsAgain() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.suspend("example.net");
        assertThat(world.withdrawn).containsExactly(SITE.key() + " example.net");
        world.lent.clear();
        shard.withdrawn(List.of(d));
        assertThat(world.lent).isEmpty();
        assertThat(shard.stats()).singleElement().satisfies(s -> {
            assertThat(s.suspended()).isTrue();
            assertThat(s.ready()).isEqualTo(1);
        });
        shard.resume("example.net");
        assertThat(world.lent).containsExactly(d);
    }

    @Test
    void flush_makesDeferredDeliveriesDueNow() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(d, refusedConnection(d), 0);
        world.lent.clear();
        assertThat(shard.flush("example.net")).isEqualTo(1);
        assertThat(world.lent).containsExactly(d);
    }

    @Test
    void bounce_failsTheDomainsWaitingDeliveriesForGood_otherDomainsUntouched() {
        Delivery deferred = message(1, "a@example.net");
        Delivery other = message(2, "b@example.com");
        shard.accept(deferred);
        shard.accept(other);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(deferred, refusedConnection(deferred), 0);
        events.clear();

        Outcome why = new Outcome.Failed(Failure.POLICY, null, new EnhancedStatus(5, 0, 0), "bounced by the operator");
        assertThat(shard.bounce("example.net", why)).isEqualTo(1);

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.Bounce);
            assertThat(e.recipient()).isEqualTo("a@example.net");
            assertThat(e.enhancedCode()).isEqualTo("5.0.0");
        });
        assertThat(shard.stats()).extracting(QueueAdmin.DomainStats::domain).doesNotContain("example.net");
        assertThat(shard.bounce("example.net", why)).isZero();
    }

    @Test
    void expiredOnArrival_bouncesWith447_withoutAnAttempt() {
        Delivery d = message(1, "a@example.net");
        world.now = T0 + Duration.ofDays(6).toMillis();
        shard.accept(d);
        assertThat(world.lent).isEmpty();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.Expiration);
            assertThat(e.enhancedCode()).isEqualTo("4.4.7");
            assertThat(e.category()).isEqualTo("message-expired");
        });
        assertThat(failures("message-expired", "bounce")).isEqualTo(1.0);
    }

    @Test
    void rejectedRecipient_bouncesWithItsCategory_andADeliveryHasNone() {
        Delivery d = message(1, "nobody@example.net", "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        Reply unknown = new Reply(550, EnhancedStatus.of("5.1.1"), List.of("<nobody@example.net>: Recipient address"
                + " rejected: User unknown in virtual mailbox table"));
        shard.attempted(d, new TransactionResult(List.of(
                new RecipientOutcome(0, new Outcome.Answered(ClientStep.RCPT, unknown)),
                new RecipientOutcome(1, new Outcome.Answered(ClientStep.END_OF_DATA, Reply.of(250, "2.0.0", "ok")))),
                false, false, null), 0);
        assertThat(events).extracting(Event::type, Event::category).containsExactly(
                tuple(EventType.Bounce, "invalid-recipient"), tuple(EventType.Delivery, null));
        assertThat(failures("invalid-recipient", "bounce")).isEqualTo(1.0);
        assertThat(failures("invalid-recipient", "deferral")).isZero();
        assertThat(suppressed).containsExactly(new Suppression("example.org", "nobody@example.net",
                "invalid-recipient", T0, T0 + Duration.ofDays(30).toMillis()));
    }

    @Test
    void bounceForSpam_doesNotSuppressTheRecipient() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        Reply spam = new Reply(554, EnhancedStatus.of("5.7.1"), List.of("Message rejected as spam"));
        shard.attempted(d, new TransactionResult(List.of(
                new RecipientOutcome(0, new Outcome.Answered(ClientStep.END_OF_DATA, spam))), false, false, null), 0);

        assertThat(events).extracting(Event::type).containsExactly(EventType.Bounce);
        assertThat(events.get(0).category()).isNotIn("invalid-recipient", "inactive-mailbox");
        assertThat(suppressed).isEmpty();
    }

    private double failures(String category, String kind) {
        return metrics.registry().get("hermod.delivery.failures").tag("category", category).tag("kind", kind)
                .counter().count();
    }

    /** Time, DNS and the sites, as the test says. */
    private static final class FakeWorld implements QueueShard.World {
        long now = T0;
        long wakeAt = Long.MAX_VALUE;
        final List<Consumer<NextHop.Lookup>> lookups = new ArrayList<>();
        final List<Delivery> lent = new ArrayList<>();
        final List<String> withdrawn = new ArrayList<>();

        void answer(int lookup, NextHop.Lookup answer) {
            lookups.get(lookup).accept(answer);
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public void wakeAt(long dueMillis, Runnable wake) {
            wakeAt = dueMillis;
        }

        @Override
        public void lookup(String domain, Consumer<NextHop.Lookup> done) {
            lookups.add(done);
        }

        @Override
        public void offer(Destination destination, Delivery delivery) {
            lent.add(delivery);
        }

        @Override
        public void withdraw(String key, String domain) {
            withdrawn.add(key + " " + domain);
        }
    }
}
