package io.hermod.intake;

import static io.hermod.intake.SessionHarness.HOSTNAME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each command of RFC 5321 4.1 as Hermod answers it, one command per test. */
class SmtpSessionCommandsTest {

    /** A reply line with an RFC 2034 enhanced status code: code, separator, class.subject.detail, text. */
    private static final Pattern ENHANCED = Pattern.compile("([2-5])\\d\\d[ -]([245])\\.\\d{1,3}\\.\\d{1,3} \\S.*");

    private final SessionHarness h = new SessionHarness();

    @Test
    void connect_greets220WithHostnameAndNoEnhancedCode() {
        assertThat(h.allLines()).containsExactly("220 " + HOSTNAME + " ESMTP Hermod");
    }

    @Test
    void helo_is250WithHostname() {
        assertThat(h.send("HELO client.example\r\n")).containsExactly("250 " + HOSTNAME);
    }

    @Test
    void ehlo_advertisesExactlyTheSupportedExtensions() {
        assertThat(h.send("EHLO client.example\r\n")).containsExactly(
                "250-" + HOSTNAME,
                "250-PIPELINING",
                "250-SIZE 10000",
                "250-8BITMIME",
                "250-ENHANCEDSTATUSCODES",
                "250 SMTPUTF8");
    }

    @Test
    void mailFrom_is250_2_1_0() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void rcptTo_is250_2_1_5() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).containsExactly("250 2.1.5 Ok");
    }

    @Test
    void data_is354_2_0_0() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\n");
        assertThat(h.send("DATA\r\n")).containsExactly("354 2.0.0 End data with <CR><LF>.<CR><LF>");
    }

    @Test
    void verbs_areCaseInsensitive() {
        assertThat(h.send("ehlo client.example\r\nmail from:<a@example.com>\r\nrcpt to:<b@example.org>\r\nnoop\r\n"))
                .containsExactly("250-" + HOSTNAME, "250-PIPELINING", "250-SIZE 10000", "250-8BITMIME",
                        "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok");
    }

    @Test
    void rset_is250AndDropsTheTransaction() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\n");

        assertThat(h.send("RSET\r\n")).containsExactly("250 2.0.0 Ok");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).containsExactly("503 5.5.1 Error: need MAIL command");
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void rsetBeforeHelo_is250AndStillNeedsHelo() {
        assertThat(h.send("RSET\r\n")).containsExactly("250 2.0.0 Ok");
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\n")).containsExactly("503 5.5.1 Error: send HELO/EHLO first");
    }

    @Test
    void ehloDuringTransaction_dropsTheTransaction() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        h.send("EHLO client.example\r\n");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).containsExactly("503 5.5.1 Error: need MAIL command");
    }

    @Test
    void noop_is250_withOrWithoutArgument() {
        assertThat(h.send("NOOP\r\nNOOP anything at all\r\n")).containsExactly("250 2.0.0 Ok", "250 2.0.0 Ok");
    }

    @Test
    void quit_is221AndClosesAndReadsNothingMore() {
        assertThat(h.send("QUIT\r\n")).containsExactly("221 2.0.0 Bye");
        assertThat(h.channel.closed()).isTrue();
        assertThat(h.channel.events).containsExactly("send", "send", "close");

        assertThat(h.send("NOOP\r\n")).isEmpty();
    }

    @Test
    void quitPipelinedWithMoreCommands_answersUpToQuitOnly() {
        assertThat(h.send("NOOP\r\nQUIT\r\nNOOP\r\n")).containsExactly("250 2.0.0 Ok", "221 2.0.0 Bye");
        assertThat(h.channel.closed()).isTrue();
    }

    @Test
    void help_is214() {
        assertThat(h.send("HELP\r\n")).singleElement().asString().startsWith("214 2.0.0 ");
    }

    @Test
    void vrfy_is252AndNeverConfirmsTheUser() {
        assertThat(h.send("VRFY postmaster\r\n"))
                .containsExactly("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
    }

    @Test
    void vrfyWithoutArgument_is501_5_5_4() {
        assertThat(h.send("VRFY\r\n")).containsExactly("501 5.5.4 Error: syntax error in parameters or arguments");
    }

    @Test
    void expn_is502_5_5_1() {
        assertThat(h.send("EXPN staff\r\n")).containsExactly("502 5.5.1 Error: EXPN not available");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEND FROM:<a@example.com>", "SOML FROM:<a@example.com>", "SAML FROM:<a@example.com>",
            "TURN", "STARTTLS", "AUTH PLAIN", "BDAT 10 LAST"})
    void unadvertisedOrObsoleteCommand_is502_5_5_1(String line) {
        h.send("EHLO client.example\r\n");
        assertThat(h.send(line + "\r\n")).containsExactly("502 5.5.1 Error: command not implemented");
    }

    @ParameterizedTest
    @ValueSource(strings = {"XYZZY", "FOO bar", "MAI FROM:<a@example.com>", "", " NOOP", "NOOPNOOPNOOP"})
    void unknownCommand_is500_5_5_2(String line) {
        assertThat(h.send(line + "\r\n")).containsExactly("500 5.5.2 Error: command not recognized");
    }

    @Test
    void bareLfCommandTerminator_isAccepted() {
        assertThat(h.send("NOOP\nNOOP\r\n")).containsExactly("250 2.0.0 Ok", "250 2.0.0 Ok");
    }

    @Test
    void everyReplyButGreetingAndHello_carriesAnEnhancedStatusCode() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.maxErrors = 1000;
        SessionHarness s = new SessionHarness(options);
        List<String> checked = new ArrayList<>();
        String[] script = {
            "NOOP", "MAIL FROM:<a@example.com>", "RSET", "HELP", "VRFY x", "VRFY", "EXPN x", "XYZZY", "TURN",
            "HELO", "EHLO client.example", "RCPT TO:<b@example.org>", "DATA", "MAIL FROM:a@example.com",
            "MAIL FROM:<a@example.com> SIZE=99999999", "MAIL FROM:<a@example.com> FOO=1", "MAIL FROM:<ä@example.com>",
            "MAIL FROM:<a@example.com> BODY=8BITMIME", "MAIL FROM:<a@example.com>", "DATA", "RCPT TO:<b@example.org> X=1",
            "RCPT TO:b@example.org", "RCPT TO:<ö@example.org>", "DATA", "RCPT TO:<b@example.org>", "RCPT TO:<c@example.org>",
            "RCPT TO:<d@example.org>", "RCPT TO:<e@example.org>", "RSET x", "QUIT x", "DATA x", "DATA",
            "Subject: t\r\n\r\nbody\r\n.", "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.org>", "DATA",
            "x".repeat(1200) + "\r\n.", "x".repeat(600), "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.org>",
            "DATA", "x\r\n".repeat(6000) + ".", "HELO client.example", "NOOP", "QUIT",
        };
        for (String line : script) {
            for (String reply : s.send(line + "\r\n")) {
                if (line.startsWith("HELO ") || line.startsWith("EHLO ")) {
                    assertThat(reply).doesNotMatch(ENHANCED);
                    continue;
                }
                Matcher m = ENHANCED.matcher(reply);
                assertThat(m.matches()).as("reply to %s: %s", line, reply).isTrue();
                String expectedClass = m.group(1).equals("3") ? "2" : m.group(1);
                assertThat(m.group(2)).as("class of %s", reply).isEqualTo(expectedClass);
                checked.add(reply.substring(0, 3));
            }
        }
        // The script must really have produced the replies it is meant to check.
        assertThat(checked).contains("214", "221", "250", "252", "354", "452", "500", "501", "502", "503",
                "550", "552", "553", "554", "555");
        assertThat(checked).hasSizeGreaterThan(40);
    }
}
