package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Commands out of order, malformed commands, over-long lines, too many errors and the idle timeout. */
class SmtpSessionSequencingTest {

    private static final String NEED_HELO = "503 5.5.1 Error: send HELO/EHLO first";
    private static final String NEED_MAIL = "503 5.5.1 Error: need MAIL command";
    private static final String NEED_RCPT = "503 5.5.1 Error: need RCPT command";
    private static final String NESTED_MAIL = "503 5.5.1 Error: nested MAIL command";
    private static final String SYNTAX = "501 5.5.4 Error: syntax error in parameters or arguments";
    private static final String LINE_TOO_LONG = "500 5.5.2 Error: line too long";

    private final SessionHarness h = new SessionHarness();

    @Test
    void mailBeforeHelo_is503() {
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\n")).containsExactly(NEED_HELO);
    }

    @Test
    void rcptBeforeHelo_is503() {
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).containsExactly(NEED_HELO);
    }

    @Test
    void dataBeforeHelo_is503() {
        assertThat(h.send("DATA\r\n")).containsExactly(NEED_HELO);
    }

    @Test
    void rcptBeforeMail_is503() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).containsExactly(NEED_MAIL);
    }

    @Test
    void dataBeforeMail_is503() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("DATA\r\n")).containsExactly(NEED_MAIL);
    }

    @Test
    void dataBeforeRcpt_is503() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("DATA\r\n")).containsExactly(NEED_RCPT);
    }

    @Test
    void nestedMail_is503_beforeAndAfterRcpt() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\nMAIL FROM:<carol@example.com>\r\n"))
                .containsExactly("250 2.1.0 Ok", NESTED_MAIL);
        assertThat(h.send("RCPT TO:<bob@example.org>\r\nMAIL FROM:<carol@example.com>\r\n"))
                .containsExactly("250 2.1.5 Ok", NESTED_MAIL);
    }

    @Test
    void dataAfterOnlyRejectedRcpts_is554_5_5_1() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:bob@example.org\r\nRCPT TO:<bob@example.org> NOTIFY=NEVER\r\nDATA\r\n"))
                .containsExactly("501 5.1.3 Error: bad recipient address syntax",
                        "555 5.5.4 Error: unsupported MAIL/RCPT parameter",
                        "554 5.5.1 Error: no valid recipients");
    }

    @Test
    void dataAfterOneAcceptedAndOneRejectedRcpt_is354() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\nRCPT TO:<bad@@example.org>\r\nDATA\r\n"))
                .containsExactly("250 2.1.5 Ok", "501 5.1.3 Error: bad recipient address syntax",
                        "354 2.0.0 End data with <CR><LF>.<CR><LF>");
    }

    @Test
    void mailFromWithoutBrackets_is501_5_1_7() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:\r\nMAIL FROM:alice@example.com\r\n")).containsExactly(
                "501 5.1.7 Error: bad sender address syntax", "501 5.1.7 Error: bad sender address syntax");
    }

    @Test
    void mailWithoutFromKeyword_is501_5_5_4() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL\r\nMAIL TO:<alice@example.com>\r\n")).containsExactly(SYNTAX, SYNTAX);
    }

    @Test
    void rcptWithoutToKeyword_is501_5_5_4() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT FROM:<bob@example.org>\r\n")).containsExactly(SYNTAX);
    }

    @Test
    void rsetWithArgument_is501_andKeepsTheTransaction() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RSET now\r\nRCPT TO:<bob@example.org>\r\n")).containsExactly(SYNTAX, "250 2.1.5 Ok");
    }

    @Test
    void quitWithArgument_is501_andTheSessionStaysOpen() {
        assertThat(h.send("QUIT now\r\n")).containsExactly(SYNTAX);
        assertThat(h.channel.closed()).isFalse();
        assertThat(h.send("NOOP\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @Test
    void dataWithArgument_is501() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\n");
        assertThat(h.send("DATA now\r\n")).containsExactly(SYNTAX);
    }

    @Test
    void heloOrEhloWithoutDomain_is501_5_5_4_andStillNeedsHelo() {
        assertThat(h.send("HELO\r\nEHLO \r\nMAIL FROM:<alice@example.com>\r\n")).containsExactly(
                "501 5.5.4 Error: domain name required", "501 5.5.4 Error: domain name required", NEED_HELO);
    }

    @Test
    void commandLineOf512OctetsWithCrlf_isAccepted() {
        String line = "NOOP " + "x".repeat(512 - 5 - 2);
        assertThat(h.send(line + "\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @Test
    void commandLineOf513Octets_is500_5_5_2_andTheNextCommandWorks() {
        String line = "NOOP " + "x".repeat(513 - 5 - 2);
        assertThat(h.send(line + "\r\nNOOP\r\n")).containsExactly(LINE_TOO_LONG, "250 2.0.0 Ok");
    }

    @Test
    void longCommandLineWhoseCrlfArrivesInALaterChunk_is500_5_5_2_andTheNextCommandWorks() {
        String line = "MAIL FROM:<" + "a".repeat(600) + "@example.com>";
        assertThat(h.send(line)).isEmpty();
        assertThat(h.send("\r\nNOOP\r\n")).containsExactly(LINE_TOO_LONG, "250 2.0.0 Ok");
    }

    @Test
    void longCommandLineSplitAtEveryPoint_isAlways500ThenTheNextCommandWorks() {
        byte[] input = ("NOOP " + "y".repeat(700) + "\r\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= input.length; split++) {
            SessionHarness s = new SessionHarness();
            byte[] first = Arrays.copyOfRange(input, 0, split);
            byte[] second = Arrays.copyOfRange(input, split, input.length);
            assertThat(s.sendChunks(first, second)).as("split at %d", split)
                    .containsExactly(LINE_TOO_LONG, "250 2.0.0 Ok");
        }
    }

    @Test
    void longCommandLineInManySmallChunks_is500_5_5_2() {
        for (int i = 0; i < 20; i++) {
            assertThat(h.send("z".repeat(100))).isEmpty();
        }
        assertThat(h.send("\nQUIT\r\n")).containsExactly(LINE_TOO_LONG, "221 2.0.0 Bye");
    }

    @Test
    void maxErrorsReached_is421AndCloses() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.maxErrors = 3;
        SessionHarness s = new SessionHarness(options);

        assertThat(s.send("XYZZY\r\nNOOP\r\nXYZZY\r\n")).containsExactly(
                "500 5.5.2 Error: command not recognized", "250 2.0.0 Ok", "500 5.5.2 Error: command not recognized");
        assertThat(s.channel.closed()).isFalse();
        assertThat(s.send("VRFY\r\nNOOP\r\n")).containsExactly(SYNTAX,
                "421 4.7.0 Error: too many errors, closing connection");
        assertThat(s.channel.closed()).isTrue();
        assertThat(s.send("NOOP\r\n")).isEmpty();
    }

    @Test
    void idleLongerThanTheTimeout_is421_4_4_2AndCloses() {
        h.send("EHLO client.example\r\n");

        h.session.checkIdle(System.nanoTime());
        assertThat(h.newLines()).isEmpty();
        assertThat(h.channel.closed()).isFalse();

        h.session.checkIdle(System.nanoTime() + Duration.ofHours(1).toNanos());
        assertThat(h.newLines()).containsExactly("421 4.4.2 Error: timeout exceeded, closing connection");
        assertThat(h.channel.closed()).isTrue();
    }

    @Test
    void idleTimeoutDuringData_discardsTheChunksWritten() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.chunkSize = 1024;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");
        s.send("line of body text\r\n".repeat(200));
        assertThat(s.store.chunkWrites).isNotEmpty();

        s.session.checkIdle(System.nanoTime() + Duration.ofHours(1).toNanos());

        assertThat(s.newLines()).containsExactly("421 4.4.2 Error: timeout exceeded, closing connection");
        assertThat(s.store.chunks(SessionHarness.FIRST_ID)).isEmpty();
        assertThat(s.store.commits).isEmpty();
    }

    @Test
    void idleCheckWhileCommitPending_doesNothing() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");
        s.send("hi\r\n.\r\n");

        s.session.checkIdle(System.nanoTime() + Duration.ofHours(1).toNanos());

        assertThat(s.newLines()).isEmpty();
        assertThat(s.channel.closed()).isFalse();
    }
}
