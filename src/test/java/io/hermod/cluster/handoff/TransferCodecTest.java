package io.hermod.cluster.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageTags;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.hermod.spool.Spool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferCodecTest {

    static final long HOUR_LATER = 1_800_000_000_000L;

    /** A message with every kind of recipient state, a prefix chunk and a body of two chunks. */
    static TransferredMessage sample(String transferId) {
        List<Recipient> recipients = List.of(
                Recipient.pending("new@example.org"),
                new Recipient("deferred@example.org", RecipientState.PENDING, 3, HOUR_LATER,
                        "451 4.7.1 try later", "rate-limited"),
                new Recipient("done@example.net", RecipientState.DELIVERED, 1, 0, "250 2.0.0 ok"),
                new Recipient("gone@example.net", RecipientState.BOUNCED, 1, 0, "550 5.1.1 no such user",
                        "invalid-recipient"),
                new Recipient("zoë@exämple.test", RecipientState.PENDING, 0, 0, ""));
        byte[] first = new byte[Spool.CHUNK_SIZE];
        Arrays.fill(first, (byte) 'x');
        byte[] second = "\r\nlast line\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] prefix = "DKIM-Signature: v=1; a=ed25519-sha256; d=example.com\r\n".getBytes(StandardCharsets.UTF_8);
        return new TransferredMessage(transferId, "sender@example.com", recipients, 1_700_000_000_123L, true, true,
                true, "client.example", "192.0.2.7", new MessageTags("acme", "winter", "bulk"), prefix, List.of(first, second));
    }

    @Test
    void roundTrip_keepsStatesDueTimesCategoriesPrefixAndChunks() {
        TransferredMessage plain = new TransferredMessage("origin:0000000000000002", "", List.of(
                Recipient.pending("a@b.example")), 5, false, false, false, "api", "", MessageTags.NONE, null,
                List.of("x\r\n".getBytes(StandardCharsets.US_ASCII)));
        List<TransferredMessage> sent = List.of(sample("origin:0000000000000001"), plain);

        List<TransferredMessage> read = TransferCodec.decode(ByteBuffer.wrap(TransferCodec.encode(sent)), 1L << 30);

        assertThat(read).hasSize(2);
        TransferredMessage a = read.get(0);
        TransferredMessage expected = sent.get(0);
        assertThat(a.transferId()).isEqualTo(expected.transferId());
        assertThat(a.sender()).isEqualTo("sender@example.com");
        assertThat(a.recipients()).isEqualTo(expected.recipients());
        assertThat(a.arrivalMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(a.eightBit()).isTrue();
        assertThat(a.smtpUtf8()).isTrue();
        assertThat(a.delayReported()).isTrue();
        assertThat(a.clientName()).isEqualTo("client.example");
        assertThat(a.clientAddress()).isEqualTo("192.0.2.7");
        assertThat(a.tags()).isEqualTo(new MessageTags("acme", "winter", "bulk"));
        assertThat(a.prefix()).isEqualTo(expected.prefix());
        assertThat(a.chunks()).hasSize(2);
        assertThat(a.chunks().get(0)).isEqualTo(expected.chunks().get(0));
        assertThat(a.chunks().get(1)).isEqualTo(expected.chunks().get(1));

        TransferredMessage b = read.get(1);
        assertThat(b.sender()).isEmpty();
        assertThat(b.tags()).isEqualTo(MessageTags.NONE);
        assertThat(b.prefix()).isEmpty();
        assertThat(b.delayReported()).isFalse();
    }

    @Test
    void envelope_underTheNewId_countsThePrefixInTheBodySize() {
        TransferredMessage m = sample("origin:0000000000000001");
        Envelope envelope = m.envelope(new MessageId(42));
        assertThat(envelope.id()).isEqualTo(new MessageId(42));
        assertThat(envelope.prefixed()).isTrue();
        assertThat(envelope.chunkCount()).isEqualTo(2);
        assertThat(envelope.bodySize()).isEqualTo(m.prefix().length + Spool.CHUNK_SIZE + m.chunks().get(1).length);
        assertThat(envelope.recipients().get(1).nextAttemptMillis()).isEqualTo(HOUR_LATER);
        assertThat(envelope.recipients().get(1).attempts()).isEqualTo(3);
        assertThat(envelope.arrivalMillis()).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void everyTruncation_isRefused() {
        byte[] whole = TransferCodec.encode(List.of(sample("origin:0000000000000001")));
        // Every cut inside the header and envelope, and a few inside the body.
        for (int length = 0; length < whole.length; length += length < 2048 ? 1 : 4099) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap(cut), 1L << 30))
                    .as("cut at %d", length).isInstanceOf(TransferCodec.TransferFormatException.class);
        }
    }

    @Test
    void trailingOctets_areRefused() {
        byte[] whole = TransferCodec.encode(List.of(sample("origin:0000000000000001")));
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap(longer), 1L << 30))
                .isInstanceOf(TransferCodec.TransferFormatException.class).hasMessageContaining("after the last");
    }

    @Test
    void wrongMagic_unknownState_andOversizedLengths_areRefused() {
        assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap("{\"json\": 1}".getBytes()), 1 << 20))
                .isInstanceOf(TransferCodec.TransferFormatException.class).hasMessageContaining("HXFR");

        byte[] whole = TransferCodec.encode(List.of(sample("origin:0000000000000001")));
        // A string length field (the transfer id's, at offset 9) claiming more than is there.
        byte[] hugeString = whole.clone();
        ByteBuffer.wrap(hugeString).putInt(9, Integer.MAX_VALUE);
        assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap(hugeString), 1L << 30))
                .isInstanceOf(TransferCodec.TransferFormatException.class);

        TransferredMessage one = new TransferredMessage("o:1", "", List.of(Recipient.pending("a@b.example")), 0,
                false, false, false, "", "", null, null, List.of(new byte[] {'x'}));
        byte[] encoded = TransferCodec.encode(List.of(one));
        // The recipient's state byte: after magic, version, count, id, sender, arrival, flags,
        // client name, client address, recipient count and the address.
        int stateAt = 4 + 1 + 4 + (4 + 3) + 4 + 8 + 1 + 4 + 4 + 4 + (4 + 11);
        assertThat(encoded[stateAt]).isEqualTo((byte) 0);
        encoded[stateAt] = 99;
        assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap(encoded), 1L << 30))
                .isInstanceOf(TransferCodec.TransferFormatException.class).hasMessageContaining("unknown state");
    }

    @Test
    void bodyOverTheLimit_isTooLarge() {
        byte[] whole = TransferCodec.encode(List.of(sample("origin:0000000000000001")));
        assertThatThrownBy(() -> TransferCodec.decode(ByteBuffer.wrap(whole), 100_000))
                .isInstanceOf(TransferCodec.TooLarge.class);
    }
}
