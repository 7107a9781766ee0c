package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailboxTest {

    @Test
    void parse_splitsAtTheLastAt_soQuotedAtSignsStayInTheLocalPart() {
        assertThat(Mailbox.parse("\"a@b\"@Example.ORG")).isEqualTo(new Mailbox("\"a@b\"", "Example.ORG"));
    }

    @Test
    void domainKey_isLowerCase_andTheDomainIsKeptAsSent() {
        Mailbox m = Mailbox.parse("Bob@Example.ORG");
        assertThat(m.domain()).isEqualTo("Example.ORG");
        assertThat(m.domainKey()).isEqualTo("example.org");
        assertThat(m).hasToString("Bob@Example.ORG");
    }

    @Test
    void missingLocalPartOrDomain_isRejected() {
        assertThatThrownBy(() -> Mailbox.parse("@example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mailbox.parse("bob@")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mailbox.parse("bob")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isAscii_looksAtBothParts() {
        assertThat(Mailbox.parse("bob@example.org").isAscii()).isTrue();
        assertThat(Mailbox.parse("jörg@example.org").isAscii()).isFalse();
        assertThat(Mailbox.parse("bob@bücher.example").isAscii()).isFalse();
    }
}
