package io.hermod.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Finding the header section of a stored message: {@link DsnBuilder#headerSection}. */
class HeaderSectionTest {

    private static String section(String message, int maxBytes) {
        return new String(DsnBuilder.headerSection(message.getBytes(StandardCharsets.US_ASCII), maxBytes),
                StandardCharsets.US_ASCII);
    }

    @Test
    void messageWithABody_sectionEndsBeforeTheEmptyLine() {
        assertThat(section("Received: x\r\nSubject: hi\r\n\r\nbody\r\n\r\nmore\r\n", 1000))
                .isEqualTo("Received: x\r\nSubject: hi\r\n");
    }

    @Test
    void foldedHeader_isOneHeaderNotAnEmptyLine() {
        assertThat(section("Subject: a\r\n b\r\nTo: c\r\n\r\nbody", 1000)).isEqualTo("Subject: a\r\n b\r\nTo: c\r\n");
    }

    @Test
    void messageWithoutAnEmptyLine_isAllHeaderSection() {
        assertThat(section("Subject: hi\r\nTo: c\r\n", 1000)).isEqualTo("Subject: hi\r\nTo: c\r\n");
        assertThat(section("Subject: hi\r\nTo: c", 1000)).isEqualTo("Subject: hi\r\nTo: c");
    }

    @Test
    void messageWithLfLineEndings_sectionEndsBeforeTheEmptyLine() {
        assertThat(section("Subject: hi\nTo: c\n\nbody\n", 1000)).isEqualTo("Subject: hi\nTo: c\n");
    }

    @Test
    void messageStartingWithAnEmptyLine_hasAnEmptySection() {
        assertThat(section("\r\nbody\r\n", 1000)).isEmpty();
    }

    @Test
    void sectionOfExactlyMaxBytes_isWhole() {
        assertThat(section("A: 1\r\nB: 2\r\n\r\nbody", 12)).isEqualTo("A: 1\r\nB: 2\r\n");
    }

    @Test
    void sectionLongerThanMaxBytes_isCutAfterTheLastWholeLineThatFits() {
        String message = "A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody";

        assertThat(section(message, 15)).isEqualTo("A: 1\r\nB: 2\r\n");
        assertThat(section(message, 11)).isEqualTo("A: 1\r\n");
    }

    @Test
    void firstLineLongerThanMaxBytes_isCutAtMaxBytes() {
        assertThat(section("Subject: a long subject\r\n\r\nbody", 5)).isEqualTo("Subje");
    }

    @Test
    void messageWithoutAnEmptyLineLongerThanMaxBytes_isCut() {
        assertThat(section("A: 1\r\nB: 2\r\nC: 3", 14)).isEqualTo("A: 1\r\nB: 2\r\n");
    }

    @Test
    void emptyOrMissingMessageOrNoRoom_isAnEmptySection() {
        assertThat(section("", 100)).isEmpty();
        assertThat(section("A: 1\r\n\r\n", 0)).isEmpty();
        assertThat(DsnBuilder.headerSection(null, 100)).isEmpty();
    }
}
