package io.hermod.bounce;

import static io.hermod.bounce.ReportAssertions.assertCrlfLinesWithin;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The explanation's quoted-printable encoding (RFC 2045 6.7). */
class QuotedPrintableTest {

    @Test
    void nonAsciiAndEqualsSign_areEscapedAsUtf8Octets() {
        assertThat(QuotedPrintable.encode("Gr\u00fc\u00dfe a=b\r\n")).isEqualTo("Gr=C3=BC=C3=9Fe a=3Db\r\n");
    }

    @Test
    void spaceAtTheEndOfALine_isEscapedSoItSurvivesTransport() {
        assertThat(QuotedPrintable.encode("end \r\nnext\r\n")).isEqualTo("end=20\r\nnext\r\n");
    }

    @Test
    void longLine_getsSoftBreaksWithin76CharactersAndDecodesBack() {
        String line = "\u00e9".repeat(100);
        String encoded = QuotedPrintable.encode(line + "\r\n");

        assertCrlfLinesWithin(encoded.getBytes(StandardCharsets.US_ASCII), 76);
        assertThat(encoded).contains("=\r\n");
        MimeEntity entity = MimeEntity.parse(("\r\n" + encoded).getBytes(StandardCharsets.US_ASCII));
        assertThat(entity.quotedPrintableText()).isEqualTo(line + "\r\n");
    }
}
