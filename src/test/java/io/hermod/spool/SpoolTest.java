package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private static Envelope envelope(MessageId id, long size, int chunks, String... recipients) {
        List<Recipient> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(Recipient.pending(r));
        }
        return new Envelope(id, "sender@example.com", list, 1_700_000_000_000L, size, chunks, true, false,
                "client.example", "127.0.0.1");
    }

    @Test
    void committedMessage_survivesReopen_withEnvelopeAndBytes() throws Exception {
        byte[] body = "Received: x\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageId id;
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            spool.commit(envelope(id, body.length, 1, "a@example.net", "b@example.org"), body).get(10, TimeUnit.SECONDS);
        }
        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            assertThat(spool.recover(recovered::add)).isEqualTo(1);
            Envelope e = recovered.get(0);
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.sender()).isEqualTo("sender@example.com");
            assertThat(e.recipients()).extracting(Recipient::address).containsExactly("a@example.net", "b@example.org");
            assertThat(e.recipients()).allMatch(r -> r.state() == RecipientState.PENDING);
            assertThat(e.eightBit()).isTrue();
            assertThat(e.arrivalMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(spool.body(e)).isEqualTo(body);
        }
    }

    @Test
    void chunkedBody_isReassembledInOrder() throws Exception {
        byte[] whole = new byte[3 * 1000 + 17];
        for (int i = 0; i < whole.length; i++) {
            whole[i] = (byte) ('a' + i % 26);
        }
        try (Spool spool = Spool.open(dir)) {
            MessageId id = spool.newId();
            for (int i = 0; i < 3; i++) {
                spool.writeChunk(id, i, Arrays.copyOfRange(whole, i * 1000, (i + 1) * 1000));
            }
            Envelope e = envelope(id, whole.length, 4, "a@example.net");
            spool.commit(e, Arrays.copyOfRange(whole, 3000, whole.length)).get(10, TimeUnit.SECONDS);
            assertThat(spool.body(spool.envelope(id).orElseThrow())).isEqualTo(whole);
        }
    }

    @Test
    void chunksWithoutEnvelope_areRemovedAtStart() throws Exception {
        MessageId orphan;
        MessageId kept;
        try (Spool spool = Spool.open(dir)) {
            orphan = spool.newId();
            spool.writeChunk(orphan, 0, new byte[100]);
            spool.writeChunk(orphan, 1, new byte[100]).get(10, TimeUnit.SECONDS);
            kept = spool.newId();
            spool.commit(envelope(kept, 5, 1, "a@example.net"), "hello".getBytes()).get(10, TimeUnit.SECONDS);
        }
        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            spool.recover(recovered::add);
            assertThat(recovered).extracting(Envelope::id).containsExactly(kept);
            assertThatThrownBy(() -> spool.chunk(orphan, 0)).isInstanceOf(SpoolException.class);
            assertThat(spool.chunk(kept, 0)).isEqualTo("hello".getBytes());
        }
    }

    @Test
    void recordedRecipientStates_surviveReopen_andDeleteRemovesEverything() throws Exception {
        MessageId id;
        Recipient a = new Recipient("a@example.net", RecipientState.DELIVERED, 1, 0, "250 2.0.0 ok");
        Recipient b = new Recipient("b@example.net", RecipientState.PENDING, 1, 123_456L, "451 4.3.0 later");
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            spool.commit(envelope(id, 1, 1, "a@example.net", "b@example.net"), new byte[] {'x'}).get(10, TimeUnit.SECONDS);
            spool.record(id, 0, a);
            spool.record(id, 1, b).get(10, TimeUnit.SECONDS);
            assertThat(spool.envelope(id).orElseThrow().recipients()).containsExactly(a, b);
        }
        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            assertThat(spool.recover(recovered::add)).isEqualTo(1);
            assertThat(recovered.get(0).recipients()).containsExactly(a, b);

            Recipient bounced = new Recipient("b@example.net", RecipientState.BOUNCED, 2, 0, "550 5.1.1 no");
            spool.record(id, 1, bounced).get(10, TimeUnit.SECONDS);
            Envelope done = spool.envelope(id).orElseThrow();
            assertThat(done.isFinal()).isTrue();
            spool.delete(done).get(10, TimeUnit.SECONDS);
            assertThat(spool.envelope(id)).isEmpty();
            assertThatThrownBy(() -> spool.chunk(id, 0)).isInstanceOf(SpoolException.class);
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.recover(e -> { })).isZero();
        }
    }

    @Test
    void ids_areOrderedAndStayAboveTheSpoolsHighestAfterRestart() throws Exception {
        MessageId last;
        try (Spool spool = Spool.open(dir)) {
            MessageId a = spool.newId();
            MessageId b = spool.newId();
            assertThat(b).isGreaterThan(a);
            last = spool.newId();
            spool.commit(envelope(last, 1, 1, "a@example.net"), new byte[] {'x'}).get(10, TimeUnit.SECONDS);
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.newId()).isGreaterThan(last);
        }
        assertThat(MessageId.parse(last.toString())).isEqualTo(last);
    }

    /**
     * While one batch is being written, every commit that arrives goes into the next batch: 1 + 200
     * commits take exactly two synced writes.
     */
    @Test
    void commitsArrivingDuringAWrite_shareTheNextBatchAndItsFsync() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        CommitListener listener = (operations, durable, nanos, failure) -> {
            batchSizes.add(operations);
            if (batchSizes.size() == 1) {
                firstBatchStarted.countDown();
                await(release);
            }
        };
        try (Spool spool = Spool.open(dir, listener)) {
            long syncsBefore = spool.walSyncs();
            MessageId firstId = spool.newId();
            CompletableFuture<Void> first = spool.commit(envelope(firstId, 1, 1, "a@example.net"), new byte[] {'x'});
            firstBatchStarted.await(10, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                MessageId id = spool.newId();
                rest.add(spool.commit(envelope(id, 1, 1, "a@example.net"), new byte[] {'y'}));
            }
            assertThat(first).isNotDone();
            release.countDown();
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(first).isDone();
            assertThat(batchSizes).containsExactly(1, 200);
            assertThat(spool.walSyncs() - syncsBefore).isEqualTo(2);
        }
    }

    @Test
    void writeAfterClose_failsInsteadOfHanging() {
        Spool spool = Spool.open(dir);
        MessageId id = spool.newId();
        spool.close();
        CompletableFuture<Void> commit = spool.commit(envelope(id, 1, 1, "a@example.net"), new byte[] {'x'});
        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SpoolException.class);
    }

    @Test
    void secondOpenOfTheSameSpool_failsWithAClearError() {
        try (Spool spool = Spool.open(dir)) {
            assertThatThrownBy(() -> Spool.open(dir))
                    .isInstanceOf(SpoolException.class)
                    .hasMessageContaining("cannot open spool at " + dir);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
