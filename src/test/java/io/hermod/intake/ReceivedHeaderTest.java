package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 5321 4.4 trace header. */
class ReceivedHeaderTest {

    private static final ZonedDateTime WHEN = ZonedDateTime.of(2024, 3, 5, 10, 15, 30, 0, ZoneOffset.ofHours(2));

    private static String build(String helo, String client, List<String> recipients) {
        return new String(ReceivedHeader.build(helo, SessionHarness.address(client), "mx.hermod.test", "ESMTP",
                "000018E500000001", recipients, WHEN), StandardCharsets.UTF_8);
    }

    @Test
    void oneRecipient_isNamedInTheForClause() {
        assertThat(build("client.example", "192.0.2.10", List.of("bob@example.org"))).isEqualTo(
                "Received: from client.example ([192.0.2.10])\r\n"
                        + "\tby mx.hermod.test (Hermod) with ESMTP id 000018E500000001\r\n"
                        + "\tfor <bob@example.org>;\r\n"
                        + "\tTue, 5 Mar 2024 10:15:30 +0200\r\n");
    }

    @Test
    void date_isPrintedAgainForEachSecondAndEachOffset() {
        ZonedDateTime t = ZonedDateTime.of(2026, 12, 5, 10, 0, 0, 0, ZoneOffset.UTC);

        assertThat(ReceivedHeader.date(t)).isEqualTo("Sat, 5 Dec 2026 10:00:00 +0000");
        assertThat(ReceivedHeader.date(t.plusNanos(999_000_000))).isEqualTo("Sat, 5 Dec 2026 10:00:00 +0000");
        assertThat(ReceivedHeader.date(t.plusSeconds(1))).isEqualTo("Sat, 5 Dec 2026 10:00:01 +0000");
        assertThat(ReceivedHeader.date(t.plusSeconds(1).withZoneSameInstant(ZoneOffset.ofHours(1))))
                .isEqualTo("Sat, 5 Dec 2026 11:00:01 +0100");
    }

    @Test
    void severalRecipients_areNotNamed() {
        assertThat(build("client.example", "192.0.2.10", List.of("a@example.org", "b@example.org")))
                .doesNotContain("for <").contains("id 000018E500000001;\r\n");
    }

    @Test
    void ipv6Client_isWrittenAsAnIpv6AddressLiteral() {
        assertThat(build("client.example", "2001:db8::10", List.of("bob@example.org")))
                .startsWith("Received: from client.example ([IPv6:2001:db8:0:0:0:0:0:10])\r\n");
    }

    @Test
    void heloNameWithControlAndCommentCharacters_isMadePrintable() {
        assertThat(build("evil\r\nX-Injected: yes (x);", "192.0.2.10", List.of("bob@example.org")))
                .startsWith("Received: from evil__X-Injected:_yes__x__ ([192.0.2.10])\r\n")
                .doesNotContain("\r\nX-Injected");
    }

    @Test
    void emptyHeloName_isUnknown() {
        assertThat(build("", "192.0.2.10", List.of("bob@example.org"))).startsWith("Received: from unknown (");
    }
}
