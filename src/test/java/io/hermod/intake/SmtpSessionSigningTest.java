package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.dkim.Signing;
import io.hermod.spool.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Signing at acceptance: the signer sees the message exactly as it is stored, chunk by chunk, and
 * what it returns is committed as the message's prefix, counted in the body size, before the 250.
 */
class SmtpSessionSigningTest {

    private static final byte[] SIGNATURE = "DKIM-Signature: v=1; d=example.com; b=abc\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Records what it is fed and answers with a fixed header field. */
    private static final class RecordingSigning implements Signing {
        final ByteArrayOutputStream fed = new ByteArrayOutputStream();
        int finished;

        @Override
        public Message start() {
            return new Message() {
                @Override
                public void update(byte[] bytes, int offset, int length) {
                    fed.write(bytes, offset, length);
                }

                @Override
                public byte[] finish() {
                    finished++;
                    return SIGNATURE;
                }
            };
        }
    }

    @Test
    void signatures_areCommittedAsThePrefix_ofTheBytesTheSignerSaw() {
        RecordingSigning signing = new RecordingSigning();
        SessionHarness.Options options = new SessionHarness.Options();
        options.signing = signing;
        options.chunkSize = 64; // several chunks: the signer sees them all, in order
        SessionHarness h = new SessionHarness(options);
        h.openData("alice@example.com", "bob@example.org");
        String body = "From: alice@example.com\r\nSubject: hi\r\n\r\n" + "a line of the body\r\n".repeat(20);
        h.send(body + ".\r\n");

        Envelope e = h.store.commits.get(0).envelope();
        assertThat(e.prefixed()).isTrue();
        assertThat(h.store.commits.get(0).prefix()).isEqualTo(SIGNATURE);
        String stored = h.storedText();
        assertThat(new String(signing.fed.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(stored).endsWith(body);
        assertThat(e.bodySize()).isEqualTo(stored.getBytes(StandardCharsets.UTF_8).length + SIGNATURE.length);
        assertThat(signing.finished).isEqualTo(1);
        assertThat(h.queue.enqueued).singleElement().satisfies(q -> assertThat(q.id()).isEqualTo(FIRST_ID));
    }

    @Test
    void nothingToSign_leavesTheMessageAsItWas() {
        SessionHarness h = new SessionHarness();
        h.openData("alice@example.com", "bob@example.org");
        h.send("Subject: hi\r\n\r\nbody\r\n.\r\n");
        Envelope e = h.store.commits.get(0).envelope();
        assertThat(e.prefixed()).isFalse();
        assertThat(h.store.commits.get(0).prefix()).isNullOrEmpty();
    }
}
