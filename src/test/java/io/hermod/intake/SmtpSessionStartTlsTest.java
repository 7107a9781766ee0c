package io.hermod.intake;

import static io.hermod.intake.SecureSessionHarness.HOSTNAME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** STARTTLS (RFC 3207) as the session sees it: when it is offered, and what the handshake resets. */
class SmtpSessionStartTlsTest {

    private final SecureSessionHarness h = new SecureSessionHarness();

    @Test
    void ehlo_beforeTls_offersStartTlsButNotAuth() {
        assertThat(h.send("EHLO client.example\r\n")).containsExactly(
                "250-" + HOSTNAME, "250-PIPELINING", "250-SIZE 10000", "250-8BITMIME",
                "250-ENHANCEDSTATUSCODES", "250-SMTPUTF8", "250 STARTTLS");
    }

    @Test
    void ehlo_afterTls_offersAuthButNotStartTls() {
        assertThat(h.startTls()).containsExactly(
                "250-" + HOSTNAME, "250-PIPELINING", "250-SIZE 10000", "250-8BITMIME",
                "250-ENHANCEDSTATUSCODES", "250-SMTPUTF8", "250 AUTH PLAIN LOGIN");
    }

    @Test
    void startTls_is220_andTheChannelStartsTheHandshake() {
        h.send("EHLO client.example\r\n");

        assertThat(h.send("STARTTLS\r\n")).containsExactly("220 2.0.0 Ready to start TLS");
        assertThat(h.channel.events).endsWith("starttls");
        assertThat(h.channel.handshaking()).isTrue();
    }

    @Test
    void commandsPipelinedBehindStartTls_areDiscarded_notRunAfterTheHandshake() {
        h.send("EHLO client.example\r\n");

        assertThat(h.send("STARTTLS\r\nRSET\r\nMAIL FROM:<a@example.com>\r\n"))
                .containsExactly("220 2.0.0 Ready to start TLS");
        h.channel.completeHandshake();

        assertThat(h.newLines()).isEmpty();
        assertThat(h.send("NOOP\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @Test
    void inputDuringTheHandshake_isDropped() {
        h.send("EHLO client.example\r\nSTARTTLS\r\n");

        assertThat(h.send("RSET\r\nQUIT\r\n")).isEmpty();
        h.channel.completeHandshake();

        assertThat(h.newLines()).isEmpty();
        assertThat(h.channel.closed()).isFalse();
    }

    @Test
    void afterTheHandshake_theClientMustGreetAgain() {
        h.send("EHLO client.example\r\nSTARTTLS\r\n");
        h.channel.completeHandshake();

        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("503 5.5.1 Error: send HELO/EHLO first");
    }

    @Test
    void startTlsPipelinedAfterEhlo_answersBothInOrder() {
        assertThat(h.send("EHLO client.example\r\nSTARTTLS\r\n"))
                .endsWith("250 STARTTLS", "220 2.0.0 Ready to start TLS");
    }

    @Test
    void failedHandshake_closesTheConnectionWithoutAReply() {
        h.send("EHLO client.example\r\nSTARTTLS\r\n");

        h.channel.failHandshake();

        assertThat(h.newLines()).isEmpty();
        assertThat(h.channel.closed()).isTrue();
    }

    @Test
    void handshakeThatNeverEnds_isClosedAfter30Seconds_withoutAPlainTextReply() {
        h.send("EHLO client.example\r\nSTARTTLS\r\n");

        h.session.checkIdle(System.nanoTime() + 29_000_000_000L);
        assertThat(h.channel.closed()).isFalse();
        h.session.checkIdle(System.nanoTime() + 31_000_000_000L);

        assertThat(h.channel.closed()).isTrue();
        assertThat(h.newLines()).isEmpty();
    }

    @Test
    void startTls_beforeEhlo_is503() {
        assertThat(h.send("STARTTLS\r\n")).containsExactly("503 5.5.1 Error: send HELO/EHLO first");
    }

    @Test
    void startTls_withArgument_is501() {
        h.send("EHLO client.example\r\n");

        assertThat(h.send("STARTTLS now\r\n")).containsExactly("501 5.5.4 Error: syntax error in parameters or arguments");
    }

    @Test
    void startTls_inATransaction_is503() {
        h.send("EHLO client.example\r\n");
        h.send("MAIL FROM:<a@example.com>\r\n");

        assertThat(h.send("STARTTLS\r\n")).containsExactly("503 5.5.1 Error: MAIL transaction in progress");
        assertThat(h.channel.handshaking()).isFalse();
    }

    @Test
    void startTls_twice_is503() {
        h.startTls();

        assertThat(h.send("STARTTLS\r\n")).containsExactly("503 5.5.1 Error: TLS already active");
    }

    @Test
    void startTls_onImplicitTls_isNotOffered() {
        SecureSessionHarness implicit = new SecureSessionHarness(ListenerRole.SUBMISSIONS, "192.0.2.10", false);

        assertThat(implicit.send("EHLO client.example\r\n")).doesNotContain("250-STARTTLS", "250 STARTTLS")
                .endsWith("250 AUTH PLAIN LOGIN");
        assertThat(implicit.send("STARTTLS\r\n")).containsExactly("502 5.5.1 Error: command not implemented");
    }

    @Test
    void receivedHeader_saysEsmtps_afterStartTls() {
        // a client inside relay_networks, which may relay without AUTH
        SecureSessionHarness inside = new SecureSessionHarness(ListenerRole.RELAY, "192.0.2.10", false);
        inside.startTls();
        inside.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");

        assertThat(inside.receivedWith()).isEqualTo("ESMTPS");
    }

    @Test
    void receivedHeader_withoutTls_staysEsmtp() {
        SecureSessionHarness inside = new SecureSessionHarness(ListenerRole.RELAY, "192.0.2.10", false);
        inside.send("EHLO client.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\n"
                + "DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");

        assertThat(inside.receivedWith()).isEqualTo("ESMTP");
    }

    @Test
    void protocolNames_followRfc3848AndRfc6531() {
        assertThat(List.of(
                ReceivedHeader.protocol(false, false, false, false),
                ReceivedHeader.protocol(true, false, false, false),
                ReceivedHeader.protocol(true, false, true, false),
                ReceivedHeader.protocol(true, false, false, true),
                ReceivedHeader.protocol(true, false, true, true),
                ReceivedHeader.protocol(true, true, true, true),
                ReceivedHeader.protocol(true, true, true, false),
                ReceivedHeader.protocol(true, true, false, false)))
                .containsExactly("SMTP", "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "UTF8SMTPSA", "UTF8SMTPS", "UTF8SMTP");
    }
}
