package io.hermod.intake;

import static io.hermod.intake.SecureSessionHarness.plain;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The submission roles (RFC 6409 on 587, RFC 8314 on 465): AUTH before MAIL wherever the client
 * connects from, and an authenticated user sends only as the senders listed for it.
 */
class SmtpSessionSubmissionTest {

    /** From inside relay_networks, which counts for nothing on a submission port. */
    private final SecureSessionHarness h = new SecureSessionHarness(ListenerRole.SUBMISSION, "192.0.2.10", false);

    @Test
    void mail_withoutAuth_is530_evenFromARelayNetwork() {
        h.startTls();

        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("530 5.7.0 Error: authentication required");
    }

    @Test
    void mail_beforeTls_is530_andAuthIsNotOffered() {
        assertThat(h.send("EHLO client.example\r\n")).endsWith("250 STARTTLS").doesNotContain("250 AUTH PLAIN LOGIN");

        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("530 5.7.0 Error: authentication required");
        assertThat(h.send("AUTH PLAIN " + plain("alice", "secret") + "\r\n"))
                .containsExactly("538 5.7.11 Error: encryption required for requested authentication mechanism");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@example.com", "A@EXAMPLE.COM", "bob@example.org", "Bob@Example.Org"})
    void mail_fromAListedDomainOrAddress_is250(String sender) {
        h.login("alice", "secret");

        assertThat(h.send("MAIL FROM:<" + sender + ">\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ceo@bank.example", "a@sub.example.com", "carol@example.org", "a@example.com.evil.test"})
    void mail_fromAnyoneElse_is553_5_7_1(String sender) {
        h.login("alice", "secret");

        assertThat(h.send("MAIL FROM:<" + sender + ">\r\n")).containsExactly("553 5.7.1 Error: sender address not owned by user");
    }

    @Test
    void nullSender_isAllowed() {
        h.login("alice", "secret");

        assertThat(h.send("MAIL FROM:<>\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void userWithStar_mayUseAnySender() {
        h.login("carol", "pw");

        assertThat(h.send("MAIL FROM:<anyone@anywhere.example>\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void authenticatedUser_relaysToAnyDomain_andTheMessageIsQueued() {
        h.login("alice", "secret");

        assertThat(h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<x@far.example>\r\nDATA\r\nSubject: s\r\n\r\nhi\r\n.\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>",
                        SessionHarness.queuedReply(SessionHarness.FIRST_ID));
        assertThat(h.queue.enqueued).singleElement().satisfies(e -> assertThat(e.sender()).isEqualTo("a@example.com"));
        assertThat(h.receivedWith()).isEqualTo("ESMTPSA");
    }

    @Test
    void implicitTls_offersAuthAtOnce_andStillRequiresIt() {
        SecureSessionHarness implicit = new SecureSessionHarness(ListenerRole.SUBMISSIONS, "192.0.2.10", false);
        assertThat(implicit.send("EHLO client.example\r\n")).endsWith("250 AUTH PLAIN LOGIN");

        assertThat(implicit.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("530 5.7.0 Error: authentication required");
        assertThat(implicit.send("AUTH PLAIN " + plain("alice", "secret") + "\r\n"))
                .containsExactly("235 2.7.0 Authentication successful");
        assertThat(implicit.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void protocolErrors_stillCountTowardsMaxErrors() {
        SecureSessionHarness strict = new SecureSessionHarness(ListenerRole.SUBMISSION, "192.0.2.10", false, 3);
        strict.startTls();

        assertThat(strict.send("MAIL FROM:<a@example.com>\r\nMAIL FROM:<a@example.com>\r\nBOGUS\r\n")).containsExactly(
                "530 5.7.0 Error: authentication required",
                "530 5.7.0 Error: authentication required",
                "500 5.5.2 Error: command not recognized",
                "421 4.7.0 Error: too many errors, closing connection");
        assertThat(strict.channel.closed()).isTrue();
    }
}
