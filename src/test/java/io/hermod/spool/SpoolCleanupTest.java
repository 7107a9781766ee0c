package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing of a message outlives it: late state records, and messages whose delete a crash lost. */
class SpoolCleanupTest {

    @TempDir
    Path dir;

    private static final Recipient DELIVERED = new Recipient("a@example.net", RecipientState.DELIVERED, 1, 0, "250 ok");
    private static final Recipient BOUNCED = new Recipient("b@example.net", RecipientState.BOUNCED, 1, 0, "550 no");

    private static Envelope envelope(MessageId id) {
        return SpoolFixtures.twoRecipients(id);
    }

    private static void await(CompletableFuture<?> f) throws Exception {
        SpoolFixtures.await(f);
    }

    /** MessageLedger retries a failed state write a second later; by then another shard may have deleted the message. */
    @Test
    void stateRecordedAfterTheDelete_leavesNothingBehind() throws Exception {
        MessageId id;
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            Envelope e = envelope(id);
            await(spool.commit(e, "hello".getBytes()));
            await(spool.delete(e));
            await(spool.record(id, 0, DELIVERED));
            assertThat(spool.envelope(id)).isEmpty();
        }
        assertThat(StoredKeys.ids(dir, "recipients")).doesNotContain(id);
    }

    @Test
    void stateRecordedInTheSameBatchAfterTheDelete_leavesNothingBehind() throws Exception {
        CountDownLatch firstBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CommitListener holdFirstBatch = (operations, durable, nanos, failure) -> {
            batchSizes.add(operations);
            if (batchSizes.size() == 1) {
                firstBatch.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        MessageId id;
        try (Spool spool = Spool.open(dir, holdFirstBatch)) {
            id = spool.newId();
            Envelope e = envelope(id);
            CompletableFuture<Void> commit = spool.commit(e, "hello".getBytes());
            assertThat(firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> delete = spool.delete(e);
            CompletableFuture<Void> late = spool.record(id, 1, BOUNCED);
            release.countDown();
            await(CompletableFuture.allOf(commit, delete, late));
            assertThat(batchSizes).containsExactly(1, 2);
            assertThat(spool.envelope(id)).isEmpty();
        }
        assertThat(StoredKeys.ids(dir, "recipients")).doesNotContain(id);
    }

    /** Records an older Hermod left behind are swept at start, as unfinished bodies are. */
    @Test
    void recovery_removesStateRecordsWhoseMessageIsGone() throws Exception {
        MessageId kept;
        try (Spool spool = Spool.open(dir)) {
            kept = spool.newId();
            await(spool.commit(envelope(kept), "hello".getBytes()));
            await(spool.record(kept, 0, DELIVERED));
        }
        MessageId before = new MessageId(kept.value() - 1);
        MessageId after = new MessageId(kept.value() + 1);
        StoredKeys.put(dir, "recipients", Spool.chunkKey(before, 0), EnvelopeCodec.encodeState(DELIVERED));
        StoredKeys.put(dir, "recipients", Spool.chunkKey(after, 1), EnvelopeCodec.encodeState(BOUNCED));
        assertThat(StoredKeys.ids(dir, "recipients")).containsExactly(before, kept, after);

        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            assertThat(spool.recover(recovered::add)).isEqualTo(1);
            assertThat(recovered.get(0).recipients()).containsExactly(DELIVERED, Recipient.pending("b@example.net"));
        }
        assertThat(StoredKeys.ids(dir, "recipients")).containsExactly(kept);
    }

    /** Every recipient final, but the delete was lost in a crash: recovery finishes the job. */
    @Test
    void recovery_deletesMessagesWhoseRecipientsAreAllFinal() throws Exception {
        MessageId done;
        MessageId open;
        try (Spool spool = Spool.open(dir)) {
            done = spool.newId();
            await(spool.commit(envelope(done), "hello".getBytes()));
            await(spool.record(done, 0, DELIVERED));
            await(spool.record(done, 1, BOUNCED));
            open = spool.newId();
            await(spool.commit(envelope(open), "world".getBytes()));
            await(spool.record(open, 0, DELIVERED));
        }
        try (Spool spool = Spool.open(dir)) {
            List<MessageId> recovered = new ArrayList<>();
            assertThat(spool.recover(e -> recovered.add(e.id()))).isEqualTo(1);
            assertThat(recovered).containsExactly(open);
            assertThat(spool.envelope(done)).isEmpty();
            assertThatThrownBy(() -> spool.chunk(done, 0)).isInstanceOf(SpoolException.class);
            assertThat(spool.envelopes()).extracting(Envelope::id).containsExactly(open);
        }
        for (String family : List.of("envelopes", "bodies", "recipients")) {
            assertThat(StoredKeys.ids(dir, family)).as(family).containsExactly(open);
        }
    }
}
