package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A recipient's stored state keeps its bounce category; states written before categories still read. */
class RecipientStateCodecTest {

    @Test
    void category_roundTrips() {
        Recipient r = new Recipient("a@example.net", RecipientState.BOUNCED, 2, 0, "550 5.1.1 no such user")
                .withCategory("invalid-recipient");
        assertThat(EnvelopeCodec.decodeState("a@example.net", EnvelopeCodec.encodeState(r))).isEqualTo(r);
    }

    @Test
    void stateOfTheFirstVersion_readsWithNoCategory() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(RecipientState.PENDING.ordinal());
            out.writeInt(3);
            out.writeLong(1234L);
            byte[] text = "451 4.3.0 later".getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
        }
        Recipient r = EnvelopeCodec.decodeState("a@example.net", bytes.toByteArray());
        assertThat(r).isEqualTo(new Recipient("a@example.net", RecipientState.PENDING, 3, 1234L, "451 4.3.0 later"));
        assertThat(r.category()).isEmpty();
    }
}
