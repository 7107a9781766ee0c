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
import io.hermod.spool.RecipientState;
import io.hermod.spool.Slot;
import io.hermod.spool.Schedule;
import io.hermod.spool.Spool;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
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
    private final List<MessageId> delayMarks = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<List<FailedRecipient>> delayReports = new ArrayList<>();
    private final List<Recipient> recorded = new ArrayList<>();
    private final List<Suppression> suppressed = new ArrayList<>();
    private final FakeSpool spool = new FakeSpool();
    private boolean dsnFails;
    private final MessageLedger ledger = new MessageLedger(spool);
    private final HermodMetrics metrics = HermodMetrics.noop();
    private final RetryPolicy retry = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), 2);
    private final QueueShard shard = shard(100, 400, 100);

    /** A shard in the fake world: {@code maxReady} per domain, {@code memoryCap} in all, {@code siteWindow} lent per site. */
    private QueueShard shard(int maxReady, int memoryCap, int siteWindow) {
        return new QueueShard(world,
            new Settlement(retry, Duration.ofDays(5), Duration.ofHours(1), () -> 0.5),
            new SettlementEffects(ledger, new BounceReporter() {
                @Override
                public Future<Void> failed(Envelope envelope, List<FailedRecipient> recipients) {
                    return dsnFails ? Future.failedFuture("spool full") : Future.succeededFuture();
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
            ledger, maxReady, memoryCap, siteWindow);
    }

    private Delivery message(long id, String... recipients) {
        List<Recipient> rs = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < recipients.length; i++) {
            rs.add(Recipient.pending(recipients[i]));
            indexes.add(i);
        }
        Envelope envelope = new Envelope(new MessageId(id), "sender@example.org", rs, T0, 100, 1, false, false,
                "client", "127.0.0.1");
        return new Delivery(envelope, spool.commit(envelope, world.now).get(0));
    }

    /** The deliveries of a message at each of its domains, as intake hands them over (after the commit). */
    private List<Delivery> deliveries(Delivery first) {
        List<Delivery> all = new ArrayList<>();
        for (Slot slot : Slot.of(first.envelope, 0)) {
            all.add(slot.equals(first.slot) ? first : new Delivery(first.envelope, slot));
        }
        return all;
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
        world.settle();
        assertThat(world.wakeAt).isEqualTo(backoffEnd);
        assertThat(spool.slotsOf("example.net")).extracting(Slot::dueMillis).containsExactly(backoffEnd);
        assertThat(shard.totals()).containsExactly(0, 1, 0); // nothing in memory: it waits in the spool
        world.now = backoffEnd;
        world.lent.clear();
        shard.wake();
        world.settle();
        world.answer(1, NextHop.Lookup.found(SITE)); // the next hop is older than REFRESH_MILLIS: looked up again
        assertThat(world.lent).extracting(x -> x.envelope.id()).containsExactly(d.envelope.id());
    }

    @Test
    void delayReport_goesOutOncePerMessage_evenAcrossDomains() {
        Delivery d = message(1, "a@one.example", "b@two.example");
        Delivery one = deliveries(d).get(0);
        Delivery two = deliveries(d).get(1);
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
        Delivery again = new Delivery(recovered, d.slot);
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
        world.settle();
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
        world.settle();
        assertThat(shard.stats()).singleElement().satisfies(s -> {
            assertThat(s.suspended()).isTrue();
            assertThat(s.ready()).isZero();
            assertThat(s.scheduled()).isEqualTo(1); // back in the spool: a suspended domain holds no memory
        });
        shard.resume("example.net");
        world.settle();
        assertThat(world.lent).extracting(x -> x.envelope.id()).containsExactly(d.envelope.id());
    }

    @Test
    void flush_makesDeferredDeliveriesDueNow() {
        Delivery d = message(1, "a@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(d, refusedConnection(d), 0);
        world.settle();
        world.lent.clear();
        assertThat(shard.flush("example.net")).isEqualTo(1);
        world.settle();
        assertThat(world.lent).extracting(x -> x.envelope.id()).containsExactly(d.envelope.id());
        assertThat(world.lent.get(0).dueMillis()).isZero();
    }

    @Test
    void bounce_failsTheDomainsWaitingDeliveriesForGood_otherDomainsUntouched() {
        Delivery deferred = message(1, "a@example.net");
        Delivery other = message(2, "b@example.com");
        shard.accept(deferred);
        shard.accept(other);
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(deferred, refusedConnection(deferred), 0);
        world.settle();
        events.clear();

        Outcome why = new Outcome.Failed(Failure.POLICY, null, new EnhancedStatus(5, 0, 0), "bounced by the operator");
        assertThat(shard.bounce("example.net", why)).isEqualTo(1);
        world.settle();

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

    private static TransactionResult delivered(Delivery d) {
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (int i : d.pending()) {
            outcomes.add(new RecipientOutcome(i, new Outcome.Answered(ClientStep.END_OF_DATA, Reply.of(250, "2.0.0", "ok"))));
        }
        return new TransactionResult(outcomes, true, false, null);
    }

    /** Messages stored in the spool (not handed over by intake), as the start-up scan finds them. */
    private List<Envelope> storedOnly(int count, long firstId, String domain, long due) {
        List<Envelope> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Envelope e = new Envelope(new MessageId(firstId + i), "sender@example.org",
                    List.of(new Recipient("r" + i + "@" + domain, RecipientState.PENDING, 1, due, "")), T0, 100, 1,
                    false, false, "client", "127.0.0.1");
            spool.stored.put(e.id(), e);
            for (Slot fresh : Slot.of(e, T0)) {
                spool.schedule.add(fresh.at(fresh.dueMillis(), fresh.recipients(), T0)); // from a previous run
            }
            all.add(e);
        }
        return all;
    }

    @Test
    void memoryHoldsTheDomainsWindow_theRestIsReadAsDeliveriesLeave() {
        storedOnly(1000, 100, "example.net", 0);
        shard.counted("example.net", 1000, 0, T0);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.lent).hasSize(100); // queue.max_ready of this shard
        assertThat(shard.totals()).containsExactly(100, 900, 0);
        List<Delivery> first = List.copyOf(world.lent);
        for (Delivery d : first.subList(0, 50)) {
            shard.attempted(d, delivered(d), 0);
        }
        world.settle();
        assertThat(world.lent).hasSize(150);
        assertThat(world.lent).extracting(d -> d.envelope.id()).doesNotHaveDuplicates();
        assertThat(shard.totals()).containsExactly(100, 850, 0);
        assertThat(spool.stored).hasSize(950);
    }

    @Test
    void aSiteThatSendsMailBackForBeingFull_isNotFedFromTheSpoolForAWhile() {
        storedOnly(300, 100, "example.net", 0);
        shard.counted("example.net", 300, 0, T0);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.lent).hasSize(100);
        int reads = world.reads;
        shard.postponed(List.copyOf(world.lent.subList(0, 50)), T0 + 10_000); // over the site's max_ready
        world.settle();
        assertThat(world.reads).isEqualTo(reads); // not read again and sent back again in a loop
        assertThat(shard.totals()).containsExactly(50, 250, 0);
        world.now = T0 + 5_000;
        shard.wake();
        world.settle();
        assertThat(world.reads).isGreaterThan(reads);
        assertThat(world.lent).hasSize(150);
    }

    @Test
    void aMoveWrittenWhileAReadRuns_doesNotBringTheDeliveryBackTwice() {
        storedOnly(1, 100, "example.net", 0);
        shard.counted("example.net", 1, 0, T0); // a read of the domain is queued
        Delivery fresh = message(2, "b@example.net"); // committed: its slot is in the spool
        world.step(); // the read runs now and sees both slots
        shard.accept(fresh); // intake hands it over before the read's answer arrives
        world.answer(0, NextHop.Lookup.found(SITE));
        shard.attempted(fresh, delivered(fresh), 0);
        world.step(); // its slot is removed before the read's answer arrives
        world.settle();
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).containsExactlyInAnyOrder(2L, 100L);
        assertThat(shard.totals()).containsExactly(1, 0, 0);
    }

    @Test
    void suspendedDomain_keepsNothingInMemory_andResumeReadsItBack() {
        shard.suspend("example.net");
        for (int i = 0; i < 5; i++) {
            shard.accept(message(10 + i, "r" + i + "@example.net"));
        }
        world.settle();
        assertThat(world.lookups).isEmpty();
        assertThat(shard.totals()).containsExactly(0, 5, 0);
        assertThat(world.reads).isZero();
        shard.resume("example.net");
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        assertThat(world.lent).hasSize(5);
    }

    @Test
    void bounce_readsAndBouncesTheStoredSlots_evenWhileSuspended() {
        storedOnly(3, 100, "example.net", T0 + 3_600_000);
        shard.counted("example.net", 3, T0 + 3_600_000, T0);
        shard.suspend("example.net");
        Outcome why = new Outcome.Failed(Failure.POLICY, null, new EnhancedStatus(5, 0, 0), "bounced by the operator");
        assertThat(shard.bounce("example.net", why)).isEqualTo(3);
        world.settle();
        assertThat(events).extracting(Event::type).containsOnly(EventType.Bounce).hasSize(3);
        assertThat(spool.stored).isEmpty();
        assertThat(spool.schedule).isEmpty();
        assertThat(shard.totals()).containsExactly(0, 0, 0);
    }

    @Test
    void flush_takesTheSlotsWrittenBeforeIt_once() {
        storedOnly(3, 100, "example.net", T0 + 3_600_000);
        shard.counted("example.net", 3, T0 + 3_600_000, T0);
        world.settle();
        assertThat(world.reads).isZero(); // nothing due for an hour
        assertThat(shard.flush("example.net")).isEqualTo(3);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.lent).hasSize(3);
        world.now += 1;
        for (Delivery d : List.copyOf(world.lent)) {
            shard.attempted(d, refusedConnection(d), 0); // deferred again, written after the flush
        }
        world.settle();
        assertThat(world.lent).hasSize(3);
        assertThat(shard.totals()).containsExactly(0, 3, 0);
    }

    @Test
    void readsGoOnWhereTheLastStopped_untilASlotIsStoredBeforeThatPoint() {
        storedOnly(300, 100, "example.net", 0);
        shard.counted("example.net", 300, 0, T0);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).contains(100L, 199L).doesNotContain(200L);
        List<Delivery> first = List.copyOf(world.lent);
        shard.suspend("example.net");
        shard.withdrawn(first); // back to their slots, before where the reads had got to
        world.settle();
        world.lent.clear();
        shard.resume("example.net");
        world.settle();
        assertThat(world.lent).hasSize(100);
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).contains(100L, 199L);
    }

    @Test
    void aFlushAskedForWhileAReadRuns_isNotLostWhenTheReadAnswers() {
        storedOnly(1, 100, "example.net", 0);
        storedOnly(2, 200, "example.net", T0 + 3_600_000);
        storedOnly(1, 300, "example.org", T0 + 1_800_000); // waits ahead of example.net's later slots
        shard.counted("example.org", 1, T0 + 1_800_000, T0);
        shard.counted("example.net", 3, 0, T0); // a read for what is due now is queued
        assertThat(shard.flush("example.net")).isEqualTo(3);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.lent).hasSize(3);
    }

    @Test
    void domainsNotCountedByTheStartUpScan_areNotRead_untilCounted() {
        shard.counting();
        storedOnly(2, 100, "example.net", 0);
        Delivery fresh = message(5, "x@example.net");
        shard.accept(fresh);
        world.answer(0, NextHop.Lookup.found(SITE));
        world.settle();
        assertThat(world.reads).isZero();
        assertThat(world.lent).containsExactly(fresh);
        shard.counted("example.net", 2, 0, T0);
        world.settle();
        assertThat(world.lent).hasSize(3);
        shard.countedAll();
    }

    @Test
    void bouncedRecipients_whoseReportCannotBeSpooled_stayInTheSchedule() {
        dsnFails = true;
        Delivery d = message(1, "nobody@example.net");
        shard.accept(d);
        world.answer(0, NextHop.Lookup.found(SITE));
        Reply unknown = new Reply(550, EnhancedStatus.of("5.1.1"), List.of("User unknown"));
        shard.attempted(d, new TransactionResult(List.of(
                new RecipientOutcome(0, new Outcome.Answered(ClientStep.RCPT, unknown))), false, false, null), 0);
        world.settle();
        assertThat(spool.slotsOf("example.net")).singleElement().satisfies(slot -> {
            assertThat(slot.dueMillis()).isGreaterThan(T0);
            assertThat(slot.recipients()).containsExactly(0);
        });
        assertThat(spool.stored).containsKey(d.envelope.id());
        assertThat(shard.totals()).containsExactly(0, 1, 0);
    }

    @Test
    void aReadPassesOverNewMail_soNoLaterSlotIsLeftUnread() {
        storedOnly(1, 100, "example.net", 0);
        storedOnly(1, 101, "example.net", T0 + 60_000);
        storedOnly(1, 102, "example.net", T0 + 120_000);
        shard.counted("example.net", 3, 0, T0); // a read is queued
        Delivery fresh = message(2, "b@example.net"); // committed, not handed over yet
        world.step(); // the read runs: passes over the new mail's slot, takes 100, stops at 101
        world.answerReads();
        shard.accept(fresh);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        for (Delivery d : List.copyOf(world.lent)) {
            shard.attempted(d, delivered(d), 0);
        }
        world.settle();
        assertThat(shard.totals()).containsExactly(0, 2, 0);
        world.now = T0 + 60_000;
        shard.wake();
        world.settle();
        world.answer(1, NextHop.Lookup.found(SITE)); // looked up again: the answer is older than REFRESH_MILLIS
        world.now = T0 + 120_000;
        shard.wake();
        world.settle();
        world.answer(2, NextHop.Lookup.found(SITE));
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).containsExactlyInAnyOrder(2L, 100L, 101L, 102L);
    }

    @Test
    void aSlotWithOneOfTwoRecipientsFinal_isMovedAsAWhole() {
        Envelope e = new Envelope(new MessageId(100), "sender@example.org",
                List.of(Recipient.pending("a@example.net"), Recipient.pending("b@example.net")), T0, 100, 1,
                false, false, "client", "127.0.0.1");
        spool.stored.put(e.id(), e);
        Slot fresh = Slot.of(e, T0).get(0);
        spool.schedule.add(fresh.at(0, fresh.recipients(), T0));
        // a crash between recordFinal(0) and the slot's move: 0 is final, the slot still holds 0 and 1
        spool.record(e.id(), 0, new Recipient("a@example.net", RecipientState.DELIVERED, 1, 0, "250"));
        shard.counted("example.net", 1, 0, T0);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        Delivery d = world.lent.get(0);
        assertThat(d.pending()).containsExactly(1);
        shard.attempted(d, refusedConnection(d), 0);
        world.settle();
        assertThat(spool.slotsOf("example.net")).singleElement()
                .satisfies(slot -> assertThat(slot.recipients()).containsExactly(1));
    }

    @Test
    void newMailFasterThanItsSite_isHeldInTurnUpToTheWindow_andTheRestReadBack_neverSentBack() {
        QueueShard small = shard(100, 400, 20);
        Delivery first = message(1, "r1@example.net");
        small.accept(first);
        world.answer(0, NextHop.Lookup.found(SITE));
        for (int i = 2; i <= 150; i++) {
            small.accept(message(i, "r" + i + "@example.net"));
        }
        world.settle();
        // the site holds what this shard may lend it; the rest waits in memory up to the domain's window,
        // and beyond it in the spool (offered to the site, it would only come back to be written again)
        assertThat(world.lent).hasSize(20);
        assertThat(small.totals()).containsExactly(100, 50, 0);
        assertThat(spool.schedule).hasSize(150);
        int settled = 0;
        while (settled < world.lent.size()) {
            for (Delivery d : List.copyOf(world.lent.subList(settled, Math.min(settled + 10, world.lent.size())))) {
                small.attempted(d, delivered(d), 0);
                settled++;
            }
            world.settle();
            assertThat(world.lent.size() - settled).isLessThanOrEqualTo(20);
        }
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).doesNotHaveDuplicates().hasSize(150);
        // held mail went out in the order it came
        assertThat(world.lent.subList(0, 100)).extracting(d -> d.envelope.id().value())
                .isSorted();
        assertThat(spool.schedule).isEmpty();
        assertThat(small.totals()).containsExactly(0, 0, 0);
    }

    @Test
    void newMailDeliveredBeforeIntakeHandsItOver_isNotReadAndSentAgain() {
        storedOnly(1, 100, "example.net", 0);
        shard.counted("example.net", 1, 0, T0); // a read is queued
        Delivery fresh = message(2, "b@example.net"); // committed, not handed over yet
        world.step();
        world.answerReads();
        world.answer(0, NextHop.Lookup.found(SITE));
        for (Delivery d : List.copyOf(world.lent)) {
            shard.attempted(d, delivered(d), 0);
        }
        world.settle();
        shard.accept(fresh); // intake's hand-over arrives late (its event loop was busy)
        world.settle();
        shard.attempted(fresh, delivered(fresh), 0);
        world.settle();
        shard.tick();
        world.settle();
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).containsExactlyInAnyOrder(2L, 100L);
    }

    @Test
    void aSiteThatHoldsItsWindow_isNotFedMoreFromTheSpool_untilItGivesSomeBack() {
        storedOnly(150, 100, "a.example", 0);
        storedOnly(150, 1000, "b.example", 0);
        shard.counted("a.example", 150, 0, T0);
        shard.counted("b.example", 150, 0, T0);
        world.settle();
        world.answer(0, NextHop.Lookup.found(SITE));
        world.answer(1, NextHop.Lookup.found(SITE)); // both domains go to one site
        world.settle();
        shard.tick();
        world.settle();
        assertThat(world.lent).hasSizeLessThanOrEqualTo(200); // the first read of each, before the site was known
        int lent = world.lent.size();
        for (Delivery d : List.copyOf(world.lent).subList(0, 60)) {
            shard.attempted(d, delivered(d), 0);
        }
        world.settle();
        assertThat(world.lent.size() - lent).isLessThanOrEqualTo(60); // no more than it gave back
        assertThat(world.lent).extracting(d -> d.envelope.id().value()).doesNotHaveDuplicates();
    }

    @Test
    void aFlushDuringABounce_doesNotTurnTheRestOfTheBounceIntoAFlush() {
        storedOnly(300, 100, "example.net", T0 + 3_600_000);
        shard.counted("example.net", 300, T0 + 3_600_000, T0);
        shard.suspend("example.net");
        Outcome why = new Outcome.Failed(Failure.POLICY, null, new EnhancedStatus(5, 0, 0), "bounced by the operator");
        assertThat(shard.bounce("example.net", why)).isEqualTo(300);
        world.step(); // the first batch is read
        shard.flush("example.net");
        world.settle();
        assertThat(events).extracting(Event::type).containsOnly(EventType.Bounce).hasSize(300);
        assertThat(spool.stored).isEmpty();
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

        /** Writes and reads of the schedule wait here until {@link #settle} (or {@link #step}) runs them. */
        final ArrayDeque<Runnable> io = new ArrayDeque<>();
        FakeSpool spool;
        int reads;

        @Override
        public void reschedule(Slot old, List<Slot> replacements, Consumer<Boolean> done) {
            io.add(() -> done.accept(spool.reschedule(old, replacements)));
        }

        /** Reads already made, whose answers have not reached the shard yet. */
        final ArrayDeque<Runnable> answers = new ArrayDeque<>();

        @Override
        public void read(QueueShard.Read r, Consumer<Schedule.DueBatch> done) {
            reads++;
            io.add(() -> {
                Schedule.DueBatch found = spool.readDue(r);
                answers.add(() -> done.accept(found));
            });
        }

        /** Runs the first waiting write or read (a read's answer waits in {@link #answers}). */
        void step() {
            io.poll().run();
        }

        /** Hands the shard the answers of the reads made. */
        void answerReads() {
            while (!answers.isEmpty()) {
                answers.poll().run();
            }
        }

        /** Runs every write and read, including those they cause. */
        void settle() {
            while (!io.isEmpty() || !answers.isEmpty()) {
                while (!io.isEmpty()) {
                    step();
                }
                answerReads();
            }
        }
    }

    /**
     * The spool as far as the shard and the ledger see it: envelopes with their recipients'
     * states, and the schedule, with the semantics of {@link Schedule#readDue} and
     * {@link Spool#recordFinal}. Reads as {@link Schedule#readDue}.
     */
    private final class FakeSpool implements MessageLedger.Writes {
        final Map<MessageId, Envelope> stored = new HashMap<>();
        final List<Slot> schedule = new ArrayList<>();
        final List<Recipient> recorded = QueueShardTest.this.recorded;

        FakeSpool() {
            world.spool = this;
        }

        List<Slot> commit(Envelope envelope, long now) {
            stored.put(envelope.id(), envelope);
            List<Slot> slots = Slot.of(envelope, now);
            schedule.addAll(slots);
            return slots;
        }

        boolean reschedule(Slot old, List<Slot> replacements) {
            if (old != null) {
                schedule.remove(old);
            }
            MessageId id = old != null ? old.id() : replacements.isEmpty() ? null : replacements.get(0).id();
            if (id != null && stored.containsKey(id) && !replacements.isEmpty()) {
                replacements.forEach(schedule::remove); // a key written again replaces its value
                schedule.addAll(replacements);
                return true;
            }
            return false;
        }

        List<Slot> slotsOf(String domain) {
            return schedule.stream().filter(s -> s.domain().equals(domain))
                    .sorted(Comparator.comparingLong(Slot::dueMillis).thenComparing(Slot::id)
                            .thenComparing(s -> s.recipients().get(0)))
                    .toList();
        }

        Schedule.DueBatch readDue(QueueShard.Read r) {
            List<Slot> slots = slotsOf(r.domain());
            int start = 0;
            while (r.from() != null && start < slots.size() && slots.get(start).before(r.from())) {
                start++;
            }
            List<Schedule.Due> found = new ArrayList<>();
            int stale = 0;
            for (int i = start; i < slots.size(); i++) {
                Slot slot = slots.get(i);
                if (r.writtenUpTo() < 0 && slot.dueMillis() > r.dueUpTo()) {
                    return new Schedule.DueBatch(found, stale, slot.key(), slot.dueMillis());
                }
                if ((slot.dueMillis() > r.dueUpTo() && slot.writtenMillis() > r.writtenUpTo())
                        || r.skip().contains(slot) || slot.fresh()) {
                    continue; // as the spool: fresh slots are this process's new mail
                }
                if (found.size() == r.limit()) {
                    return new Schedule.DueBatch(found, stale, slot.key(), 0);
                }
                Envelope e = stored.get(slot.id());
                List<Integer> pending = e == null ? List.of() : slot.recipients().stream()
                        .filter(x -> !e.recipients().get(x).state().isFinal()).toList();
                if (pending.isEmpty()) {
                    stale++;
                    schedule.remove(slot);
                    continue;
                }
                found.add(new Schedule.Due(slot, pending, e));
            }
            return new Schedule.DueBatch(found, stale, null, Long.MAX_VALUE);
        }

        private void state(MessageId id, int index, Recipient state) {
            Envelope e = stored.get(id);
            if (e != null) {
                List<Recipient> rs = new ArrayList<>(e.recipients());
                rs.set(index, state);
                stored.put(id, e.withRecipients(rs));
            }
        }

        @Override
        public CompletableFuture<Void> record(MessageId id, int index, Recipient state) {
            recorded.add(state);
            state(id, index, state);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> recordFinal(Envelope envelope, int index, Recipient state) {
            recorded.add(state);
            state(envelope.id(), index, state);
            Envelope e = stored.get(envelope.id());
            if (e != null && e.isFinal()) {
                stored.remove(envelope.id());
                return CompletableFuture.completedFuture(true);
            }
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletableFuture<Boolean> delete(MessageId id) {
            return CompletableFuture.completedFuture(stored.remove(id) != null);
        }

        @Override
        public CompletableFuture<Void> markDelayReported(MessageId id) {
            delayMarks.add(id);
            return CompletableFuture.completedFuture(null);
        }
    }
}
