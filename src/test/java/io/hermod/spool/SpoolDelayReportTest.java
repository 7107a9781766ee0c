package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One delay report per message, ever: the mark is durable and goes with the message. */
class SpoolDelayReportTest {

    @TempDir
    Path dir;

    private static Envelope envelope(MessageId id) {
        return SpoolFixtures.twoRecipients(id);
    }

    private static void await(CompletableFuture<?> f) throws Exception {
        SpoolFixtures.await(f);
    }

    @Test
    void delayReportedMark_isReadBackAndSurvivesARestart() throws Exception {
        MessageId id;
        MessageId other;
        Recipient deferred = new Recipient("a@example.net", RecipientState.PENDING, 3, 99L, "451 later");
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            await(spool.commit(envelope(id), "hello".getBytes()));
            other = spool.newId();
            await(spool.commit(envelope(other), "world".getBytes()));
            assertThat(spool.envelope(id).orElseThrow().delayReported()).isFalse();

            await(spool.markDelayReported(id));
            await(spool.record(id, 0, deferred));
            Envelope read = spool.envelope(id).orElseThrow();
            assertThat(read.delayReported()).isTrue();
            assertThat(read.recipients()).containsExactly(deferred, Recipient.pending("b@example.net"));
            assertThat(spool.envelope(other).orElseThrow().delayReported()).isFalse();
            assertThat(spool.envelopes()).extracting(Envelope::delayReported).containsExactly(true, false);
        }
        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            assertThat(spool.recover(recovered::add)).isEqualTo(2);
            assertThat(recovered).extracting(Envelope::id).containsExactly(id, other);
            assertThat(recovered).extracting(Envelope::delayReported).containsExactly(true, false);
            assertThat(recovered.get(0).recipients()).containsExactly(deferred, Recipient.pending("b@example.net"));
        }
    }

    @Test
    void markAfterTheDelete_doesNotBringTheMessageBack() throws Exception {
        MessageId id;
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            Envelope e = envelope(id);
            await(spool.commit(e, "hello".getBytes()));
            await(spool.delete(e));
            await(spool.markDelayReported(id));
            assertThat(spool.envelope(id)).isEmpty();
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.recover(e -> { })).isZero();
        }
        assertThat(StoredKeys.ids(dir, "recipients")).doesNotContain(id);
    }

    @Test
    void deletingAMarkedMessage_removesTheMarkToo() throws Exception {
        MessageId id;
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            Envelope e = envelope(id);
            await(spool.commit(e, "hello".getBytes()));
            await(spool.markDelayReported(id));
            await(spool.delete(spool.envelope(id).orElseThrow()));
        }
        assertThat(StoredKeys.ids(dir, "recipients")).doesNotContain(id);
        assertThat(StoredKeys.ids(dir, "envelopes")).doesNotContain(id);
    }

    @Test
    void envelope_keepsTheMarkThroughWithRecipients_andTheOldConstructorMeansNotReported() {
        Envelope fresh = envelope(new MessageId(42));
        assertThat(fresh.delayReported()).isFalse();
        Envelope marked = fresh.withDelayReported();
        assertThat(marked.delayReported()).isTrue();
        Envelope updated = marked.withRecipients(List.of(Recipient.pending("c@example.org")));
        assertThat(updated.delayReported()).isTrue();
        assertThat(updated.recipients()).extracting(Recipient::address).containsExactly("c@example.org");
    }
}
