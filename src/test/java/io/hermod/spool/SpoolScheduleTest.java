package io.hermod.spool;

import static io.hermod.spool.SpoolFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule family: slots written with a commit, read in due order, moved, counted at start-up. */
class SpoolScheduleTest {

    @TempDir
    Path dir;

    private static Envelope to(MessageId id, long due, String... addresses) {
        List<Recipient> rs = new ArrayList<>();
        for (String a : addresses) {
            rs.add(new Recipient(a, RecipientState.PENDING, due == 0 ? 0 : 1, due, ""));
        }
        return new Envelope(id, "sender@example.com", rs, 1L, 5, 1, false, false, "client.example", "127.0.0.1");
    }

    private static void commit(Spool spool, Envelope e) throws Exception {
        await(spool.commit(e, "Hello".getBytes()));
    }

    @Test
    void commit_writesASlotPerDomain_readInDueOrder_passingOverWhatIsInMemory() throws Exception {
        MessageId a;
        MessageId b;
        MessageId c;
        try (Spool spool = Spool.open(dir)) {
            a = spool.newId();
            b = spool.newId();
            c = spool.newId();
            commit(spool, to(a, 5_000, "x@example.net", "y@example.org"));
            commit(spool, to(b, 1_000, "z@example.net"));
            commit(spool, to(c, 9_000, "w@example.net"));
            // while this process runs, its new mail is in memory: reads pass over it
            assertThat(spool.schedule().readDue("example.net", null, 6_000, -1, 10, s -> false).found()).isEmpty();
        }
        try (Spool spool = Spool.open(dir)) {

            Schedule.DueBatch due = spool.schedule().readDue("example.net", null, 6_000, -1, 10, s -> false);
            assertThat(due.found()).extracting(d -> d.slot().id()).containsExactly(b, a);
            assertThat(due.found().get(1).slot().recipients()).containsExactly(0);
            assertThat(due.nextDueMillis()).isEqualTo(9_000);

            Slot first = due.found().get(0).slot();
            Schedule.DueBatch skipping = spool.schedule().readDue("example.net", null, 6_000, -1, 10, Set.of(first)::contains);
            assertThat(skipping.found()).extracting(d -> d.slot().id()).containsExactly(a);

            Schedule.DueBatch limited = spool.schedule().readDue("example.net", null, 10_000, -1, 1, s -> false);
            assertThat(limited.found()).extracting(d -> d.slot().id()).containsExactly(b);
            assertThat(limited.nextDueMillis()).isZero(); // more is due
            assertThat(spool.schedule().readDue("example.org", null, 10_000, -1, 10, s -> false).found())
                    .singleElement().satisfies(d -> assertThat(d.slot().recipients()).containsExactly(1));
        }
    }

    @Test
    void aSweepTakesSlotsWrittenByItsTime_whateverTheirDueTime_andGoesOnFromItsCursor() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            for (int i = 0; i < 5; i++) {
                commit(spool, to(spool.newId(), 100_000 + i, "r" + i + "@example.net"));
            }
        }
        try (Spool spool = Spool.open(dir)) {
            long now = System.currentTimeMillis();
            Schedule.DueBatch first = spool.schedule().readDue("example.net", null, 0, now, 3, s -> false);
            assertThat(first.found()).hasSize(3);
            assertThat(first.cursor()).isNotNull();
            Schedule.DueBatch rest = spool.schedule().readDue("example.net", first.cursor(), 0, now, 3, s -> false);
            assertThat(rest.found()).hasSize(2);
            assertThat(rest.cursor()).isNull();
            // a slot written after the sweep began is not taken
            Slot moved = rest.found().get(0).slot();
            await(spool.schedule().reschedule(moved, List.of(moved.at(200_000, moved.recipients(), now + 10))));
            assertThat(spool.schedule().readDue("example.net", null, 0, now, 10, s -> false).found()).hasSize(4);
        }
    }

    @Test
    void reschedule_movesASlotInOneWrite_andWritesNothingForAMessageThatIsGone() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Envelope e = to(spool.newId(), 0, "a@example.net");
            commit(spool, e);
            Slot slot = Slot.of(e, 0).get(0);
            await(spool.schedule().reschedule(slot, List.of(slot.at(50_000, List.of(0), 1))));
            assertThat(spool.schedule().readDue("example.net", null, 10_000, -1, 10, s -> false).found()).isEmpty();
            assertThat(spool.schedule().readDue("example.net", null, 60_000, -1, 10, s -> false).found())
                    .singleElement().satisfies(d -> assertThat(d.slot().dueMillis()).isEqualTo(50_000));

            await(spool.delete(e));
            Slot later = slot.at(50_000, List.of(0), 1);
            await(spool.schedule().reschedule(later, List.of(later.at(90_000, List.of(0), 2))));
            assertThat(spool.schedule().readDue("example.net", null, Long.MAX_VALUE, -1, 10, s -> false).found()).isEmpty();
        }
    }

    @Test
    void aSlotWhoseMessageIsGoneOrFinal_isStale_andRemovedWhenRead() throws Exception {
        Envelope gone;
        Envelope done;
        try (Spool spool = Spool.open(dir)) {
            gone = to(spool.newId(), 0, "a@example.net");
            done = to(spool.newId(), 0, "b@example.net", "c@example.org");
            commit(spool, gone);
            commit(spool, done);
        }
        try (Spool spool = Spool.open(dir)) {
            await(spool.delete(gone.id()));
            await(spool.recordFinal(done, 0, new Recipient("b@example.net", RecipientState.DELIVERED, 1, 0, "250")));
            Schedule.DueBatch due = spool.schedule().readDue("example.net", null, 1, -1, 10, s -> false);
            assertThat(due.found()).isEmpty();
            assertThat(due.stale()).isEqualTo(2);
            await(spool.schedule().reschedule(null, List.of())); // the writer is in order: the stale slots' removal is written
            assertThat(spool.schedule().readDue("example.net", null, 1, -1, 10, s -> false).stale()).isZero();
        }
    }

    @Test
    void recordFinal_deletesTheMessageWithItsLastPendingRecipient_evenInOneBatch() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Envelope e = to(spool.newId(), 0, "a@example.net", "b@example.org", "c@example.com");
            commit(spool, e);
            assertThat(spool.recordFinal(e, 0, delivered("a@example.net")).get()).isFalse();
            // the last two finish on two shards at once: one batch, and still one delete
            CompletableFuture<Boolean> b = spool.recordFinal(e, 1, delivered("b@example.org"));
            CompletableFuture<Boolean> c = spool.recordFinal(e, 2, delivered("c@example.com"));
            assertThat(List.of(b.get(), c.get())).containsExactlyInAnyOrder(false, true);
            assertThat(spool.envelope(e.id())).isEmpty();
            assertThat(spool.envelopes()).isEmpty();
        }
    }

    @Test
    void operatorDelete_needsOnlyTheId() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Envelope e = to(spool.newId(), 0, "a@example.net");
            commit(spool, e);
            assertThat(spool.delete(e.id()).get()).isTrue();
            assertThat(spool.delete(e.id()).get()).isFalse();
            assertThat(spool.envelopes()).isEmpty();
        }
    }

    @Test
    void startUpScan_countsEachDomainAndTheMessages_asTheSpoolWasWhenItBegan() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            for (int i = 0; i < 30; i++) {
                commit(spool, to(spool.newId(), 1000 + i, "r" + i + "@d" + (i % 3) + ".example"));
            }
            commit(spool, to(spool.newId(), 0, "x@d0.example", "y@d1.example"));
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.counted()).isFalse();
            Schedule.Scan scan = spool.schedule().scan();
            commit(spool, to(spool.newId(), 0, "late@d0.example")); // after the scan began: not counted by it
            List<Schedule.DomainCount> counts = new ArrayList<>();
            assertThat(scan.run(counts::add)).isEqualTo(31);
            assertThat(counts).extracting(Schedule.DomainCount::domain, Schedule.DomainCount::slots, Schedule.DomainCount::firstDueMillis)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("d0.example", 11, 0L),
                            org.assertj.core.groups.Tuple.tuple("d1.example", 11, 0L),
                            org.assertj.core.groups.Tuple.tuple("d2.example", 10, 1002L));
            assertThat(spool.counted()).isTrue();
            assertThat(spool.messages()).isEqualTo(32);
        }
    }

    @Test
    void aSpoolFromBeforeTheSchedule_getsOneAtItsFirstOpening() throws Exception {
        Envelope open;
        Envelope finished;
        try (Spool spool = Spool.open(dir)) {
            open = to(spool.newId(), 7_000, "a@example.net", "b@example.org");
            finished = to(spool.newId(), 0, "c@example.net");
            commit(spool, open);
            commit(spool, finished);
            await(spool.record(finished.id(), 0, delivered("c@example.net"))); // its delete lost in a crash
        }
        StoredKeys.clear(dir, "schedule");
        StoredKeys.clear(dir, "default");
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.envelopes()).extracting(Envelope::id).containsExactly(open.id());
            List<Schedule.DomainCount> counts = new ArrayList<>();
            spool.schedule().scan().run(counts::add);
            assertThat(counts).extracting(Schedule.DomainCount::domain).containsExactly("example.net", "example.org");
            assertThat(spool.schedule().readDue("example.net", null, 7_000, -1, 10, s -> false).found()).singleElement()
                    .satisfies(d -> assertThat(d.slot().id()).isEqualTo(open.id()));
        }
    }

    @Test
    void leftoversOfMessagesFromBeforeThisStart_areSwept_theirsOfThisRunAreNot() throws Exception {
        MessageId cutOff;
        try (Spool spool = Spool.open(dir)) {
            cutOff = spool.newId();
            await(spool.writeChunk(cutOff, 0, "partial".getBytes())); // a DATA cut off by a crash
        }
        try (Spool spool = Spool.open(dir)) {
            MessageId inProgress = spool.newId();
            await(spool.writeChunk(inProgress, 0, "still coming".getBytes()));
            assertThat(spool.sweepLeftovers()).isEqualTo(1);
            assertThat(spool.chunk(inProgress, 0)).isEqualTo("still coming".getBytes());
        }
        assertThat(StoredKeys.ids(dir, "bodies")).hasSize(1);
    }

    private static Recipient delivered(String address) {
        return new Recipient(address, RecipientState.DELIVERED, 1, 0, "250 ok");
    }
}
