package io.hermod.cluster.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.hermod.spool.Spool;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sending side against a scripted peer: what is removed here, and when. */
class HandoffTest {

    @TempDir
    Path dir;
    Spool spool;
    final HandoffProgress progress = new HandoffProgress();
    final List<List<TransferredMessage>> batches = new ArrayList<>();

    @BeforeEach
    void open() {
        spool = Spool.open(dir.resolve("spool"));
        progress.start(URI.create("http://peer.test:8025"), System.currentTimeMillis());
    }

    @AfterEach
    void close() {
        spool.close();
    }

    private void store(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            MessageId id = spool.newId();
            byte[] body = ("Subject: " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
            Envelope e = new Envelope(id, "s@example.com", List.of(Recipient.pending("r" + i + "@example.org"),
                    new Recipient("done" + i + "@example.net", RecipientState.DELIVERED, 1, 0, "250 ok")),
                    System.currentTimeMillis(), body.length, 1, false, false, "c", "127.0.0.1");
            spool.commit(e, body).get(10, TimeUnit.SECONDS);
        }
    }

    /** A peer that records each batch and answers with the next status of {@code statuses} (the last repeats). */
    private Peer peer(int... statuses) {
        AtomicInteger calls = new AtomicInteger();
        return body -> {
            int status = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
            if (status < 0) {
                return CompletableFuture.failedFuture(new java.net.ConnectException("refused"));
            }
            batches.add(TransferCodec.decode(ByteBuffer.wrap(body), 1L << 30));
            return CompletableFuture.completedFuture(new Peer.Answer(status, "{}"));
        };
    }

    private String run(Peer peer) {
        return new Handoff(spool, spool::delete, peer, progress, Handoff.Observer.NONE, System::currentTimeMillis, 1)
                .run(Duration.ofMinutes(1));
    }

    @Test
    void everyMessageMoves_inBoundedBatches_andIsRemovedAfterThePeersAnswer() throws Exception {
        store(450);

        assertThat(run(peer(200))).isNull();

        assertThat(progress.state()).isEqualTo(HandoffProgress.State.DONE);
        assertThat(progress.moved()).isEqualTo(450);
        assertThat(batches).extracting(List::size).containsExactly(200, 200, 50);
        assertThat(spool.envelopes()).isEmpty();
        // Transfer ids name this spool and the message, so a resend is recognisable.
        assertThat(batches.get(0).get(0).transferId()).startsWith(spool.identity() + ":");
        assertThat(batches.get(0).get(0).recipients().get(1).state()).isEqualTo(RecipientState.DELIVERED);
    }

    @Test
    void spoolIdentity_survivesAReopen_soAResendIsRecognised() {
        String first = spool.identity();
        spool.close();
        spool = Spool.open(dir.resolve("spool"));
        assertThat(spool.identity()).isEqualTo(first);
        try (Spool other = Spool.open(dir.resolve("other"))) {
            assertThat(other.identity()).isNotEqualTo(first);
        }
    }

    @Test
    void peerRefuses_nothingIsRemoved_andTheHandoffStops() throws Exception {
        store(10);

        String failure = run(peer(401));

        assertThat(failure).contains("401");
        assertThat(progress.state()).isEqualTo(HandoffProgress.State.FAILED);
        assertThat(progress.moved()).isZero();
        assertThat(progress.failed()).isEqualTo(10);
        assertThat(batches).hasSize(1);
        assertThat(spool.envelopes()).hasSize(10);
    }

    @Test
    void messageTooLargeForThePeer_staysHere_theOthersMove() throws Exception {
        store(5);
        String tooLarge = spool.envelopes().get(2).id().toString();
        Peer peer = body -> {
            List<TransferredMessage> batch = TransferCodec.decode(ByteBuffer.wrap(body), 1L << 30);
            batches.add(batch);
            boolean refused = batch.stream().anyMatch(m -> m.transferId().endsWith(":" + tooLarge));
            return CompletableFuture.completedFuture(new Peer.Answer(refused ? 413 : 200, "{}"));
        };

        assertThat(run(peer)).isNull();

        assertThat(progress.moved()).isEqualTo(4);
        assertThat(progress.failed()).isEqualTo(1);
        assertThat(spool.envelopes()).extracting(e -> e.id().toString()).containsExactly(tooLarge);
    }

    @Test
    void peerUnreachableOrBusy_theBatchIsTriedAgain() throws Exception {
        store(3);

        assertThat(run(peer(-1, 503, 200))).isNull();

        assertThat(progress.moved()).isEqualTo(3);
        assertThat(spool.envelopes()).isEmpty();
    }

    @Test
    void peerNeverAnswers_everythingStaysHere() throws Exception {
        store(3);

        assertThat(run(peer(-1))).contains("cannot reach the peer");

        assertThat(spool.envelopes()).hasSize(3);
        assertThat(progress.moved()).isZero();
    }
}
