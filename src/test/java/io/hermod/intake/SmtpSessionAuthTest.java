package io.hermod.intake;

import static io.hermod.intake.SecureSessionHarness.base64;
import static io.hermod.intake.SecureSessionHarness.plain;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AUTH PLAIN and LOGIN (RFC 4954) on a relay listener, over TLS only. */
class SmtpSessionAuthTest {

    private final SecureSessionHarness h = new SecureSessionHarness();

    @Test
    void auth_beforeTls_is538_andNothingIsChecked() {
        h.send("EHLO client.example\r\n");

        assertThat(h.send("AUTH PLAIN " + plain("alice", "secret") + "\r\n"))
                .containsExactly("538 5.7.11 Error: encryption required for requested authentication mechanism");
        assertThat(h.authenticator.attempts).isEmpty();
    }

    @Test
    void plain_withInitialResponse_is235() {
        assertThat(h.login("alice", "secret")).containsExactly("235 2.7.0 Authentication successful");
        assertThat(h.authenticator.attempts).containsExactly("alice:secret");
    }

    @Test
    void plain_afterEmptyChallenge_is235() {
        h.startTls();

        assertThat(h.send("AUTH PLAIN\r\n")).containsExactly("334 ");
        assertThat(h.send(plain("alice", "secret") + "\r\n")).containsExactly("235 2.7.0 Authentication successful");
    }

    @Test
    void plain_withAuthorizationIdentityOfItsOwn_isAccepted() {
        h.startTls();

        assertThat(h.send("AUTH PLAIN " + base64("alice\0alice\0secret") + "\r\n"))
                .containsExactly("235 2.7.0 Authentication successful");
    }

    @Test
    void plain_actingAsAnotherUser_isRefusedAsMalformed() {
        h.startTls();

        assertThat(h.send("AUTH PLAIN " + base64("carol\0alice\0secret") + "\r\n"))
                .containsExactly("501 5.5.2 Error: malformed authentication data");
        assertThat(h.authenticator.attempts).isEmpty();
    }

    @Test
    void login_asksForUserThenPassword() {
        h.startTls();

        assertThat(h.send("AUTH LOGIN\r\n")).containsExactly("334 VXNlcm5hbWU6");
        assertThat(h.send(base64("alice") + "\r\n")).containsExactly("334 UGFzc3dvcmQ6");
        assertThat(h.send(base64("secret") + "\r\n")).containsExactly("235 2.7.0 Authentication successful");
    }

    @Test
    void login_withUserAsInitialResponse_asksForThePassword() {
        h.startTls();

        assertThat(h.send("auth login " + base64("alice") + "\r\n")).containsExactly("334 UGFzc3dvcmQ6");
        assertThat(h.send(base64("secret") + "\r\n")).containsExactly("235 2.7.0 Authentication successful");
    }

    @Test
    void wrongPassword_is535_5_7_8() {
        assertThat(h.login("alice", "guess")).containsExactly("535 5.7.8 Error: authentication failed");
        assertThat(h.channel.closed()).isFalse();
    }

    @Test
    void unknownUser_is535_likeAWrongPassword() {
        assertThat(h.login("mallory", "secret")).containsExactly("535 5.7.8 Error: authentication failed");
    }

    @Test
    void thirdFailure_is535Then421_andCloses() {
        h.login("alice", "one");
        assertThat(h.send("AUTH PLAIN " + plain("alice", "two") + "\r\n"))
                .containsExactly("535 5.7.8 Error: authentication failed");

        assertThat(h.send("AUTH PLAIN " + plain("alice", "three") + "\r\n")).containsExactly(
                "535 5.7.8 Error: authentication failed",
                "421 4.7.0 Error: too many authentication failures, closing connection");
        assertThat(h.channel.closed()).isTrue();
    }

    @Test
    void cancel_is501_5_0_0_andTheSessionGoesOn() {
        h.startTls();
        h.send("AUTH LOGIN\r\n");

        assertThat(h.send("*\r\n")).containsExactly("501 5.0.0 Error: authentication cancelled");
        assertThat(h.send("NOOP\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-base64!", "AGFsaWNl$", "="})
    void badBase64OrEmpty_is501_5_5_2(String response) {
        h.startTls();

        assertThat(h.send("AUTH PLAIN " + response + "\r\n")).singleElement().asString().startsWith("501 5.5.2 ");
    }

    @Test
    void unknownMechanism_is504() {
        h.startTls();

        assertThat(h.send("AUTH CRAM-MD5\r\n")).containsExactly("504 5.5.4 Error: unsupported authentication mechanism");
    }

    @Test
    void authWithoutMechanism_is501() {
        h.startTls();

        assertThat(h.send("AUTH\r\n")).containsExactly("501 5.5.4 Error: syntax error in parameters or arguments");
    }

    @Test
    void secondAuth_is503() {
        h.login("alice", "secret");

        assertThat(h.send("AUTH PLAIN " + plain("carol", "pw") + "\r\n"))
                .containsExactly("503 5.5.1 Error: already authenticated");
    }

    @Test
    void authInATransaction_is503() {
        SecureSessionHarness inside = new SecureSessionHarness(ListenerRole.RELAY, "192.0.2.10", false);
        inside.startTls();
        inside.send("MAIL FROM:<a@example.com>\r\n");

        assertThat(inside.send("AUTH PLAIN " + plain("alice", "secret") + "\r\n"))
                .containsExactly("503 5.5.1 Error: MAIL transaction in progress");
    }

    @Test
    void pipelinedCommandsAfterAuth_waitForTheCheck_andAreAnsweredInOrder() {
        SecureSessionHarness slow = new SecureSessionHarness(ListenerRole.RELAY, SecureSessionHarness.STRANGER, true);
        slow.startTls();

        assertThat(slow.send("AUTH PLAIN " + plain("alice", "secret") + "\r\nMAIL FROM:<a@example.com>\r\n"
                + "RCPT TO:<x@example.net>\r\n")).isEmpty();
        assertThat(slow.channel.events).endsWith("pause");
        slow.authenticator.answerAll();

        assertThat(slow.newLines()).containsExactly("235 2.7.0 Authentication successful", "250 2.1.0 Ok",
                "250 2.1.5 Ok");
        assertThat(slow.channel.events).endsWith("resume");
    }

    @Test
    void authLineLongerThanACommand_isAcceptedUpTo12288Octets() {
        h.startTls();
        h.send("AUTH PLAIN\r\n");
        String longPassword = "p".repeat(3000);

        assertThat(h.send(plain("alice", longPassword) + "\r\n")).containsExactly("535 5.7.8 Error: authentication failed");
        assertThat(h.authenticator.attempts).containsExactly("alice:" + longPassword);
    }

    @Test
    void authLineWithALongInitialResponse_isAcceptedUpTo12288Octets() {
        h.startTls();
        String longPassword = "p".repeat(3000);

        assertThat(h.send("AUTH PLAIN " + plain("alice", longPassword) + "\r\n"))
                .containsExactly("535 5.7.8 Error: authentication failed");
        assertThat(h.authenticator.attempts).containsExactly("alice:" + longPassword);
        assertThat(h.send("NOOP " + "x".repeat(600) + "\r\n")).containsExactly("500 5.5.2 Error: line too long");
    }

    @Test
    void strangerWithoutAuth_isRefusedAtRcpt_andMayRelayAfterAuth() {
        h.startTls();
        h.send("MAIL FROM:<a@example.com>\r\n");
        assertThat(h.send("RCPT TO:<x@example.net>\r\n")).containsExactly("554 5.7.1 Error: relay access denied");
        h.send("RSET\r\n");

        h.send("AUTH PLAIN " + plain("alice", "secret") + "\r\n");
        h.send("MAIL FROM:<a@example.com>\r\n");

        assertThat(h.send("RCPT TO:<x@example.net>\r\n")).containsExactly("250 2.1.5 Ok");
    }

    @Test
    void receivedHeader_saysEsmtpsa_afterAuth() {
        h.login("alice", "secret");
        h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");

        assertThat(h.receivedWith()).isEqualTo("ESMTPSA");
    }

    @Test
    void receivedHeader_saysUtf8smtpsa_withSmtputf8() {
        h.login("alice", "secret");
        h.send("MAIL FROM:<a@example.com> SMTPUTF8\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");

        assertThat(h.receivedWith()).isEqualTo("UTF8SMTPSA");
    }

    @Test
    void authenticatedSession_cannotStartTlsAgain_andKeepsItsUser() {
        SecureSessionHarness submission = new SecureSessionHarness(ListenerRole.SUBMISSION, "192.0.2.10", false);
        submission.login("alice", "secret");

        assertThat(submission.send("STARTTLS\r\n")).containsExactly("503 5.5.1 Error: TLS already active");
        assertThat(submission.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("250 2.1.0 Ok");
    }
}
