package io.hermod.bounce;

import static io.hermod.bounce.ReportAssertions.assertCrlfLinesWithin;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Field values made safe and folded: {@link FieldText}. */
class FieldTextTest {

    private static String field(String name, String value) {
        StringBuilder out = new StringBuilder();
        FieldText.field(out, name, value);
        return out.toString();
    }

    @Test
    void shortValue_staysOnOneLine() {
        assertThat(field("Action", "failed")).isEqualTo("Action: failed\r\n");
    }

    @Test
    void longValue_isFoldedBeforeASpaceWithin78Octets() {
        String value = "word ".repeat(40).trim();
        String folded = field("Diagnostic-Code", value);

        assertCrlfLinesWithin(folded.getBytes(StandardCharsets.US_ASCII), 78);
        assertThat(folded).contains("\r\n word");
        assertThat(folded.replace("\r\n ", " ")).isEqualTo("Diagnostic-Code: " + value + "\r\n");
    }

    @Test
    void wordLongerThan78ButWithin998_isKeptWholeOnItsOwnLine() {
        String word = "x".repeat(500);

        assertThat(field("Final-Recipient", "rfc822; " + word)).isEqualTo("Final-Recipient: rfc822;\r\n " + word + "\r\n");
    }

    @Test
    void nonAsciiWordLongerThan998Octets_isBrokenAtCodePointsWithinTheLimit() {
        String word = "\u00e9".repeat(600) + "\ud83d\udce7".repeat(100);
        String folded = field("To", word);

        assertCrlfLinesWithin(folded.getBytes(StandardCharsets.UTF_8), 998);
        assertThat(folded.replace("\r\n ", "")).isEqualTo("To:" + word + "\r\n");
    }

    @Test
    void withoutControls_turnsLineBreaksAndTabsIntoSpacesAndKeepsNonAscii() {
        assertThat(FieldText.withoutControls("a\r\nb\tc\u0085d\u00e9")).isEqualTo("a  b c d\u00e9");
    }

    @Test
    void printableAscii_turnsEachNonAsciiCodePointIntoOneQuestionMark() {
        assertThat(FieldText.printableAscii("j\u00f6rg \ud83d\udce7\r\n")).isEqualTo("j?rg ?  ");
    }

    @Test
    void utf8AddrXtext_escapesNonAsciiPlusEqualsAndBackslash() {
        assertThat(FieldText.utf8AddrXtext("a+b=c\\d\u00e9@x")).isEqualTo("a\\x{2B}b\\x{3D}c\\x{5C}d\\x{E9}@x");
    }

    @Test
    void hostToken_keepsHostAndAddressLiteralCharactersOnly() {
        assertThat(FieldText.hostToken("[IPv6:2001:db8::1]", "x")).isEqualTo("[IPv6:2001:db8::1]");
        assertThat(FieldText.hostToken("mx.example.org\r\nX: y", "x")).isEqualTo("mx.example.orgX:y");
        assertThat(FieldText.hostToken(" \r\n", "fallback")).isEqualTo("fallback");
    }
}
