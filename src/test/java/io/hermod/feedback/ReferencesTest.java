package io.hermod.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.feedback.References.Read;
import io.hermod.feedback.References.Reference;
import io.hermod.feedback.References.ReturnToken;
import io.hermod.spool.MessageId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferencesTest {

    private static final MessageId ID = MessageId.parse("0192A3B4C5D6E7F8");
    private final References refs = new References("a-secret-of-some-length");

    @Test
    void header_oneRecipient_roundTripsIdRecipientAndSenderDomain() {
        String field = new String(refs.headerField(ID, "news@Origin.test", List.of("reader@far.test")),
                StandardCharsets.US_ASCII);
        assertThat(field).startsWith("X-Hermod-Ref: 1").endsWith("\r\n").doesNotContain("reader");

        Read<Reference> read = refs.readHeader(field.substring("X-Hermod-Ref:".length()));

        assertThat(read).isEqualTo(new Read.Verified<>(new Reference(ID, Optional.of("reader@far.test"), "origin.test")));
    }

    @Test
    void header_severalRecipients_namesNone() {
        String value = refs.headerValue(ID, "", List.of("a@far.test", "b@far.test"));

        assertThat(refs.readHeader(value)).isEqualTo(new Read.Verified<>(new Reference(ID, Optional.empty(), "")));
    }

    @Test
    void header_foldedByAnotherMta_stillReads() {
        String value = refs.headerValue(ID, "news@origin.test", List.of("reader@far.test"));
        String folded = value.substring(0, 10) + "\r\n\t" + value.substring(10);

        assertThat(refs.readHeader(folded)).isInstanceOf(Read.Verified.class);
    }

    @Test
    void header_otherSecretOrTamperedByte_isForged() {
        String value = refs.headerValue(ID, "news@origin.test", List.of("reader@far.test"));
        char last = value.charAt(5);
        String tampered = value.substring(0, 5) + (last == 'A' ? 'B' : 'A') + value.substring(6);

        assertThat(new References("another-secret-entirely").readHeader(value)).isInstanceOf(Read.Forged.class);
        assertThat(refs.readHeader(tampered)).isInstanceOf(Read.Forged.class);
        assertThat(refs.readHeader("1not*base64")).isInstanceOf(Read.Forged.class);
        assertThat(refs.readHeader("")).isInstanceOf(Read.Absent.class);
    }

    @Test
    void returnPath_oneRecipient_roundTripsIdAndTag_inAnyCase() {
        String local = refs.returnLocalPart(ID, List.of("Reader@far.test"));
        assertThat(local).startsWith("b-").hasSize(36).matches("[a-z2-7-]+");

        Read<ReturnToken> read = refs.readLocalPart(local.toUpperCase(Locale.ROOT));

        assertThat(read).isEqualTo(new Read.Verified<>(new ReturnToken(ID, Optional.of(refs.recipientTag("reader@FAR.test")))));
    }

    @Test
    void returnPath_severalRecipients_hasNoTag() {
        String local = refs.returnLocalPart(ID, List.of("a@far.test", "b@far.test"));

        assertThat(refs.readLocalPart(local)).isEqualTo(new Read.Verified<>(new ReturnToken(ID, Optional.empty())));
    }

    @Test
    void returnPath_forgedOrForeign_isToldApart() {
        String local = refs.returnLocalPart(ID, List.of("reader@far.test"));
        String flipped = local.substring(0, 10) + (local.charAt(10) == 'a' ? 'b' : 'a') + local.substring(11);

        assertThat(refs.readLocalPart(flipped)).isInstanceOf(Read.Forged.class);
        assertThat(new References("another-secret-entirely").readLocalPart(local)).isInstanceOf(Read.Forged.class);
        assertThat(refs.readLocalPart("b-short")).isInstanceOf(Read.Forged.class);
        assertThat(refs.readLocalPart("postmaster")).isInstanceOf(Read.Absent.class);
    }

    @Test
    void headerMac_isNoReturnPathMac() {
        // The purposes differ: a header's bytes never verify as a return path, whatever the encoding.
        String local = refs.returnLocalPart(ID, List.of("reader@far.test"));
        byte[] raw = References.unbase32(local.substring(2));

        assertThat(refs.readHeader("1" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw)))
                .isInstanceOf(Read.Forged.class);
    }

    @Test
    void base32_roundTrips() {
        for (int n = 0; n < 30; n++) {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (i * 37 + n);
            }
            assertThat(References.unbase32(References.base32(bytes))).as("n=%d", n).isEqualTo(bytes);
        }
    }
}
