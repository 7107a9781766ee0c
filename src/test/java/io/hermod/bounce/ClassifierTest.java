package io.hermod.bounce;

import static io.hermod.bounce.BounceCategory.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;
import io.hermod.smtp.ReplyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierTest {

    /** Replies as the providers send them (wire text, parsed as Hermod's client parses it). */
    static Stream<Arguments> realReplies() {
        return Stream.of(
                // Gmail
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "550-5.1.1 The email account that you tried to reach does"
                        + " not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address for"
                        + " typos or\r\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser"),
                reply(ClientStep.END_OF_DATA, SPAM_RELATED, "421-4.7.28 [192.0.2.1] Our system has detected an unusual"
                        + " rate of\r\n421-4.7.28 unsolicited mail originating from your IP address. To protect our\r\n"
                        + "421 4.7.28 users from spam, mail sent from your IP address has been temporarily rate limited."),
                reply(ClientStep.END_OF_DATA, POLICY_RELATED, "550-5.7.26 This mail is unauthenticated, which poses a"
                        + " security risk to the\r\n550 5.7.26 sender and Gmail users. Unauthenticated email from"
                        + " example.com is not accepted due to domain's DMARC policy."),
                reply(ClientStep.RCPT, QUOTA_ISSUES, "452-4.2.2 The recipient's inbox is out of storage space.\r\n"
                        + "452 4.2.2 Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp"),
                // Microsoft
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "550 5.5.0 Requested action not taken: mailbox unavailable"),
                reply(ClientStep.MAIL, TRANSIENT_FAILURE, "451 4.7.500 Server busy. Please try again later from"
                        + " [192.0.2.1]. (S77719) [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]"),
                reply(ClientStep.MAIL, SPAM_RELATED, "550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked"
                        + " using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1"),
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "550 5.4.1 Recipient address rejected: Access denied."
                        + " AS(201806281) [DB5EUR01FT012.eop-EUR01.prod.protection.outlook.com]"),
                // Yahoo
                reply(ClientStep.MAIL, SPAM_RELATED, "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"
                        + " due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"),
                reply(ClientStep.END_OF_DATA, POLICY_RELATED, "554 5.7.9 Message not accepted for policy reasons."
                        + "  See https://postmaster.yahooinc.com/error-codes"),
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "554 delivery error: dd This user doesn't have a yahoo.com"
                        + " account (someone@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com"),
                // Apple iCloud
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "550 5.1.1 <nobody@icloud.com>: user does not exist"),
                // Postfix
                reply(ClientStep.RCPT, INVALID_RECIPIENT, "550 5.1.1 <nobody@example.com>: Recipient address rejected:"
                        + " User unknown in virtual mailbox table"),
                reply(ClientStep.RCPT, QUOTA_ISSUES, "452 4.2.2 Mailbox full"),
                reply(ClientStep.END_OF_DATA, QUOTA_ISSUES, "552 5.2.2 Quota exceeded"),
                reply(ClientStep.RCPT, RELAYING_ISSUES, "554 5.7.1 <x@example.org>: Relay access denied"),
                reply(ClientStep.RCPT, TOO_MANY_RECIPIENTS, "452 4.5.3 Error: too many recipients"),
                reply(ClientStep.RCPT, BAD_DOMAIN, "550 5.1.2 <x@nonexistent.example>: Recipient address rejected:"
                        + " Domain not found"),
                // Exim
                reply(ClientStep.RCPT, ROUTING_ERRORS, "550 Unrouteable address"),
                // Exchange and others
                reply(ClientStep.END_OF_DATA, VIRUS_RELATED, "554 5.7.1 The message was rejected because it contains"
                        + " prohibited virus or spam content"),
                reply(ClientStep.RCPT, RELAYING_ISSUES, "550 5.7.1 Relaying denied"),
                reply(ClientStep.MAIL, AUTHENTICATION_FAILED, "535 5.7.8 Error: authentication failed"),
                reply(ClientStep.RCPT, INACTIVE_MAILBOX, "550 5.2.1 The email account that you tried to reach is"
                        + " disabled."),
                reply(ClientStep.END_OF_DATA, CONTENT_RELATED, "552 5.3.4 Message size exceeds fixed maximum message size"),
                reply(ClientStep.RCPT, TRANSIENT_FAILURE, "450 4.2.0 <x@example.com>: Recipient address rejected:"
                        + " Greylisted, see http://postgrey.schweikert.ch/help/example.com.html"),
                reply(ClientStep.MAIL, TRANSIENT_FAILURE, "421 Too many concurrent connections, come back soon"),
                reply(ClientStep.END_OF_DATA, UNCATEGORIZED, "554 Transaction failed"));
    }

    static Stream<Arguments> localFailures() {
        return Stream.of(
                failed(Failure.CONNECT, ClientStep.CONNECT, null, "Connection refused: mx.example.com/192.0.2.1:25",
                        BAD_CONNECTION),
                failed(Failure.LOST_CONNECTION, ClientStep.END_OF_DATA, null,
                        "lost connection with mx.example.com while sending end of data", BAD_CONNECTION),
                failed(Failure.TIMEOUT, ClientStep.GREETING, null,
                        "timed out receiving the initial server greeting", NO_ANSWER_FROM_HOST),
                failed(Failure.DNS, null, "5.1.2", "nonexistent.example: no such domain (NXDOMAIN)", BAD_DOMAIN),
                failed(Failure.DNS, null, "5.1.10", "example.com has a null MX (RFC 7505)", BAD_DOMAIN),
                failed(Failure.DNS, null, null, "example.com: SERVFAIL", ROUTING_ERRORS),
                failed(Failure.TLS, ClientStep.STARTTLS, null, "TLS required for example.com but not offered",
                        BAD_CONFIGURATION),
                failed(Failure.PROTOCOL, ClientStep.MAIL, null, "malformed reply line: hello", PROTOCOL_ERRORS),
                failed(Failure.POLICY, ClientStep.MAIL, null, "server has no SMTPUTF8", POLICY_RELATED));
    }

    private final Classifier classifier = Classifier.builtIn();

    @ParameterizedTest(name = "{1} <- {2}")
    @MethodSource("realReplies")
    void realReply_getsItsCategory(Outcome outcome, BounceCategory expected, String wire) {
        assertThat(classifier.classify(outcome)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} <- {2}")
    @MethodSource("localFailures")
    void localFailure_getsItsCategory(Outcome outcome, BounceCategory expected, String detail) {
        assertThat(classifier.classify(outcome)).isEqualTo(expected);
    }

    @Test
    void expiredRecipient_isMessageExpired() {
        assertThat(classifier.classify(null)).isEqualTo(MESSAGE_EXPIRED);
    }

    @Test
    void everyCategory_hasAHyphenatedLabelThatNamesItBack() {
        for (BounceCategory c : BounceCategory.values()) {
            assertThat(c.label()).matches("[a-z]+(-[a-z]+)*");
            assertThat(BounceCategory.byLabel(c.label())).isSameAs(c);
        }
        assertThat(SPAM_RELATED.label()).isEqualTo("spam-related");
    }

    @Test
    void operatorRule_comesBeforeTheBuiltInTable(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bounce.rules");
        Files.writeString(file, "# ours\ninactive-mailbox  code=550 status=5.1.1 text=does not exist\n");
        Classifier withFile = Classifier.load(file);
        assertThat(withFile.classify(answered(ClientStep.RCPT, "550 5.1.1 <x@icloud.com>: user does not exist")))
                .isEqualTo(INACTIVE_MAILBOX);
        assertThat(withFile.classify(answered(ClientStep.RCPT, "550 5.1.1 User unknown")))
                .isEqualTo(INVALID_RECIPIENT);
    }

    @Test
    void changedRulesFile_changesTheCategoryWithoutARestart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bounce.rules");
        Files.writeString(file, "# nothing yet\n");
        Classifier live = Classifier.load(file);
        Outcome busy = answered(ClientStep.MAIL, "451 4.7.500 Server busy. Please try again later from [192.0.2.1].");
        assertThat(live.classify(busy)).isEqualTo(TRANSIENT_FAILURE);
        assertThat(live.reload()).isFalse();

        Files.writeString(file, "spam-related code=451 status=4.7.500\n");
        touch(file, 1);
        assertThat(live.reload()).isTrue();
        assertThat(live.classify(busy)).isEqualTo(SPAM_RELATED);

        Files.writeString(file, "spam-related code=451 status=4.7.500\nnot-a-category code=550\n");
        touch(file, 2);
        assertThat(live.reload()).as("a file that does not parse keeps the rules in force").isFalse();
        assertThat(live.classify(busy)).isEqualTo(SPAM_RELATED);

        Files.delete(file);
        assertThat(live.reload()).as("a file that went away keeps the rules in force").isFalse();
        assertThat(live.classify(busy)).isEqualTo(SPAM_RELATED);
    }

    @Test
    void badRulesFile_isRefusedNamingTheSettingAndTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bounce.rules");
        Files.writeString(file, "# header\n\ninvalid-recipient status=5.1.1\nquota-issues code=5x2\n");
        assertThatThrownBy(() -> Classifier.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bounce.rules: line 4: code must be like 550, 55x or 5xx, got \"5x2\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void badLine_saysWhatIsWrong(String line, String message) {
        assertThatThrownBy(() -> RuleParser.parse("test", line)).hasMessage("line 1: " + message);
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("spam code=550", "unknown category \"spam\""),
                Arguments.of("spam-related status=5.1", "status must be like 5.1.1, 5.1.* or 5.*, got \"5.1\""),
                Arguments.of("spam-related failure=dnss", "unknown failure \"dnss\" (expected one of dns, connect,"
                        + " timeout, tls, lost_connection, protocol, spool_read, policy)"),
                Arguments.of("spam-related colour=red", "unknown condition \"colour\" (expected code, status,"
                        + " failure, step or text)"),
                Arguments.of("spam-related 550", "expected name=value, got \"550\""),
                Arguments.of("spam-related text=(", "bad regular expression: Unclosed group near index 1 of \"(\""),
                Arguments.of("spam-related text=", "text needs a regular expression"));
    }

    @Test
    void ruleConditions_allMustHold() {
        List<BounceRule> rules = RuleParser.parse("test", "quota-issues code=55x status=5.2.* step=rcpt text=FULL\n");
        BounceRule rule = rules.get(0);
        assertThat(rule.matches(answered(ClientStep.RCPT, "552 5.2.2 mailbox full"), "mailbox full")).isTrue();
        assertThat(rule.matches(answered(ClientStep.END_OF_DATA, "552 5.2.2 mailbox full"), "mailbox full")).isFalse();
        assertThat(rule.matches(answered(ClientStep.RCPT, "452 4.2.2 mailbox full"), "mailbox full")).isFalse();
        assertThat(rule.matches(answered(ClientStep.RCPT, "552 5.3.4 mailbox full"), "mailbox full")).isFalse();
        assertThat(rule.matches(answered(ClientStep.RCPT, "552 5.2.2 over quota"), "over quota")).isFalse();
    }

    private static Arguments reply(ClientStep step, BounceCategory expected, String wire) {
        return Arguments.of(answered(step, wire), expected, wire.replace("\r\n", " | "));
    }

    private static Arguments failed(Failure failure, ClientStep step, String status, String detail,
                                    BounceCategory expected) {
        Outcome outcome = status == null ? Outcome.Failed.of(failure, step, detail)
                : new Outcome.Failed(failure, step, EnhancedStatus.of(status), detail);
        return Arguments.of(outcome, expected, failure + " " + detail);
    }

    static Outcome.Answered answered(ClientStep step, String wire) {
        List<Reply> replies = new ArrayList<>();
        byte[] bytes = (wire + "\r\n").getBytes(StandardCharsets.UTF_8);
        new ReplyParser(replies::add).feed(bytes, 0, bytes.length);
        assertThat(replies).hasSize(1);
        return new Outcome.Answered(step, replies.get(0));
    }

    private static void touch(Path file, int seconds) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + seconds * 1000L));
    }
}
