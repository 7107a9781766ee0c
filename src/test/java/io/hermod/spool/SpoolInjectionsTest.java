package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's stored batch injections and the envelope's tags, across a reopen. */
class SpoolInjectionsTest {

    @TempDir
    Path dir;

    @Test
    void storedBatch_progressAndRemoval_surviveAReopen() {
        byte[] request = "{\"recipients\":[]}".getBytes(StandardCharsets.UTF_8);
        try (Spool spool = Spool.open(dir)) {
            spool.injections().add(7, "192.0.2.1", request).join();
            spool.injections().add(9, "::1", request).join();
            spool.injections().progress(7, 500).join();
            spool.injections().remove(9).join();
        }
        try (Spool spool = Spool.open(dir)) {
            List<Injections.Stored> pending = spool.injections().pending();
            assertThat(pending).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(7);
                assertThat(s.next()).isEqualTo(500);
                assertThat(s.client()).isEqualTo("192.0.2.1");
                assertThat(s.request()).isEqualTo(request);
            });
            spool.injections().remove(7).join();
            assertThat(spool.injections().pending()).isEmpty();
        }
    }

    @Test
    void envelopeTags_storedWithTheMessage_untaggedStaysVersion1() {
        Envelope tagged = new Envelope(new MessageId(1), "a@example.com", List.of(Recipient.pending("x@example.net")),
                1000, 10, 1, false, false, "api", "127.0.0.1").withTags(new MessageTags("t", "c", "p"));
        Envelope plain = new Envelope(new MessageId(2), "a@example.com", List.of(Recipient.pending("y@example.net")),
                1000, 10, 1, false, false, "api", "127.0.0.1");

        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(tagged))).isEqualTo(tagged);
        assertThat(EnvelopeCodec.encode(plain)[0]).isEqualTo((byte) 1);
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(plain)).tags()).isEqualTo(MessageTags.NONE);
        assertThat(new MessageTags("t", "", null)).isEqualTo(new MessageTags("t", null, null));
    }
}
