package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message's prefix (the DKIM signatures written at acceptance) is stored with its envelope in the
 * commit, read first, survives a restart, and goes with the message.
 */
class SpoolPrefixTest {

    @TempDir
    Path dir;

    private static final byte[] PREFIX = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; b=x\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static Envelope envelope(MessageId id, long bodySize, int chunks) {
        return new Envelope(id, "sender@example.com", List.of(Recipient.pending("a@example.net")), 1L, bodySize,
                chunks, false, false, "client.example", "127.0.0.1");
    }

    @Test
    void prefixedMessage_isReadPrefixFirst_andSurvivesARestart() throws Exception {
        byte[] first = "Subject: one\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] last = "body\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageId id;
        try (Spool spool = Spool.open(dir)) {
            id = spool.newId();
            spool.writeChunk(id, 0, first).get(10, TimeUnit.SECONDS);
            Envelope e = envelope(id, first.length + last.length, 2).withPrefix(PREFIX.length);
            spool.commit(e, last, PREFIX).get(10, TimeUnit.SECONDS);
            assertThat(new String(spool.body(spool.envelope(id).orElseThrow()), StandardCharsets.US_ASCII))
                    .isEqualTo(new String(PREFIX, StandardCharsets.US_ASCII) + "Subject: one\r\n\r\nbody\r\n");
        }
        try (Spool spool = Spool.open(dir)) {
            List<Envelope> recovered = new ArrayList<>();
            spool.recover(recovered::add);
            Envelope e = recovered.get(0);
            assertThat(e.prefixed()).isTrue();
            assertThat(e.storedChunks()).isEqualTo(3);
            assertThat(spool.storedChunk(e, 0)).isEqualTo(PREFIX);
            assertThat(spool.storedChunk(e, 1)).isEqualTo(first);
            assertThat(e.bodySize()).isEqualTo(PREFIX.length + first.length + last.length);
            spool.delete(e).get(10, TimeUnit.SECONDS);
        }
        assertThat(StoredKeys.ids(dir, "bodies")).doesNotContain(id);
    }

    @Test
    void unprefixedMessage_readsAsBefore() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            MessageId id = spool.newId();
            Envelope e = envelope(id, 4, 1);
            spool.commit(e, "body".getBytes(StandardCharsets.US_ASCII)).get(10, TimeUnit.SECONDS);
            Envelope stored = spool.envelope(id).orElseThrow();
            assertThat(stored.prefixed()).isFalse();
            assertThat(stored.storedChunks()).isEqualTo(1);
            assertThat(spool.body(stored)).asString(StandardCharsets.US_ASCII).isEqualTo("body");
        }
    }

    @Test
    void prefixAndEnvelopeFlag_mustAgree() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            MessageId id = spool.newId();
            assertThatThrownBy(() -> spool.commit(envelope(id, 4, 1), "body".getBytes(), PREFIX))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
