package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The envelope's stored form: what is written reads back, and the bytes are those of the layout
 * spools already hold (big-endian fields, UTF-8 strings after an int length), written field by
 * field here with a DataOutputStream as the code before it wrote them.
 */
class EnvelopeCodecTest {

    private static final List<Recipient> RECIPIENTS = List.of(
            new Recipient("a@example.net", RecipientState.PENDING, 0, 0, ""),
            new Recipient("b\u00fc@\u00e9xample.org", RecipientState.BOUNCED, 3, 1_796_000_000_000L,
                    "451 4.7.1 try later \u263a"));

    private static Envelope envelope(MessageTags tags) {
        return new Envelope(new MessageId(0x0123_4567_89ABL), "s\u00e9nder@example.com", RECIPIENTS,
                1_796_496_693_566L, 123_456, 2, true, false, "client.example", "192.0.2.7", false, true, tags);
    }

    @Test
    void untaggedEnvelope_isTheVersion1Layout_andReadsBack() throws IOException {
        Envelope e = envelope(MessageTags.NONE);
        byte[] encoded = EnvelopeCodec.encode(e);
        assertThat(encoded).isEqualTo(layout(e, 1));
        assertThat(EnvelopeCodec.decode(encoded)).isEqualTo(e);
    }

    @Test
    void taggedEnvelope_isTheVersion2Layout_andReadsBack() throws IOException {
        Envelope e = envelope(new MessageTags("tenant-1", null, "pool \u00e9"));
        byte[] encoded = EnvelopeCodec.encode(e);
        assertThat(encoded).isEqualTo(layout(e, 2));
        assertThat(EnvelopeCodec.decode(encoded)).isEqualTo(e);
    }

    @Test
    void truncatedOrCorruptEnvelopes_areReportedCorrupt_atEveryLength() {
        byte[] encoded = EnvelopeCodec.encode(envelope(new MessageTags("t", "c", "p")));
        for (int length = 1; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> EnvelopeCodec.decode(truncated)).as("length %d", length)
                    .isInstanceOf(IllegalStateException.class);
        }
        byte[] badState = EnvelopeCodec.encode(envelope(MessageTags.NONE));
        int stateAt = 1 + 8 + 4 + utf8("s\u00e9nder@example.com").length + 8 + 8 + 4 + 1 + 4 + "client.example".length()
                + 4 + "192.0.2.7".length() + 4 + 4 + "a@example.net".length();
        badState[stateAt] = 99;
        assertThatThrownBy(() -> EnvelopeCodec.decode(badState)).hasMessage("corrupt envelope");
        byte[] negative = EnvelopeCodec.encode(envelope(MessageTags.NONE));
        negative[9] = (byte) 0xff; // the sender's length
        assertThatThrownBy(() -> EnvelopeCodec.decode(negative)).hasMessage("corrupt envelope");
        byte[] oversized = EnvelopeCodec.encode(envelope(MessageTags.NONE));
        oversized[9] = 0x7f; // about 2 GB: refused, never allocated
        assertThatThrownBy(() -> EnvelopeCodec.decode(oversized)).hasMessage("corrupt envelope");
        byte[] count = EnvelopeCodec.encode(envelope(MessageTags.NONE));
        count[stateAt - 4 - "a@example.net".length() - 4] = 0x7f; // the recipient count
        assertThatThrownBy(() -> EnvelopeCodec.decode(count)).hasMessage("corrupt envelope");
    }

    @Test
    void recipientState_isItsLayout_andATruncatedOneIsCorrupt() throws IOException {
        Recipient r = RECIPIENTS.get(1).withCategory("rate-limited");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(2);
            out.writeByte(r.state().ordinal());
            out.writeInt(r.attempts());
            out.writeLong(r.nextAttemptMillis());
            string(out, r.lastResult());
            string(out, r.category());
        }
        assertThat(EnvelopeCodec.encodeState(r)).isEqualTo(bytes.toByteArray());
        assertThat(EnvelopeCodec.decodeState(r.address(), bytes.toByteArray())).isEqualTo(r);
        byte[] truncated = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 1);
        assertThatThrownBy(() -> EnvelopeCodec.decodeState(r.address(), truncated))
                .hasMessage("corrupt recipient state");
        byte[] badState = bytes.toByteArray();
        badState[1] = 99;
        assertThatThrownBy(() -> EnvelopeCodec.decodeState(r.address(), badState))
                .hasMessage("corrupt recipient state");
    }

    private static byte[] layout(Envelope e, int version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            out.writeLong(e.id().value());
            string(out, e.sender());
            out.writeLong(e.arrivalMillis());
            out.writeLong(e.bodySize());
            out.writeInt(e.chunkCount());
            out.writeByte((e.eightBit() ? 1 : 0) | (e.smtpUtf8() ? 2 : 0) | (e.prefixed() ? 4 : 0));
            string(out, e.clientName());
            string(out, e.clientAddress());
            out.writeInt(e.recipients().size());
            for (Recipient r : e.recipients()) {
                string(out, r.address());
                out.writeByte(r.state().ordinal());
                out.writeInt(r.attempts());
                out.writeLong(r.nextAttemptMillis());
                string(out, r.lastResult());
            }
            if (version == 2) {
                for (String tag : new String[] {e.tags().tenant(), e.tags().campaign(), e.tags().pool()}) {
                    string(out, tag == null ? "" : tag);
                }
            }
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        out.writeInt(utf8(s).length);
        out.write(utf8(s));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
