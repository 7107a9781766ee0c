package io.hermod.bounce;

import static io.hermod.bounce.ReportAssertions.assertCrlfLinesWithin;
import static io.hermod.bounce.ReportAssertions.assertSevenBit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.bounce.MimeEntity.Fields;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The report DsnBuilder writes, taken apart with a hand-written MIME reader. */
class DsnBuilderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T08:15:30Z"), ZoneOffset.ofHours(2));
    private static final String NOW = "Tue, 5 Mar 2024 10:15:30 +0200";
    private static final long ARRIVAL = Instant.parse("2024-03-04T22:00:00Z").toEpochMilli();
    private static final MessageId ID = new MessageId(0x18E500000001L);
    private static final String HEADERS = "Received: from client.example ([192.0.2.10])\r\n"
            + "\tby mx.hermod.test (Hermod) with ESMTP id 000018E500000001;\r\n"
            + "\tTue, 5 Mar 2024 00:00:00 +0200\r\n"
            + "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org\r\n"
            + "Subject: Quarterly numbers\r\n"
            + "Message-ID: <q1@example.com>\r\n";
    private static final FailedRecipient BOB =
            new FailedRecipient("bob@example.org", "5.1.1", "mx.example.org", "550 5.1.1 <bob@example.org>: no such user");
    private static final FailedRecipient CAROL = new FailedRecipient("carol@example.net", "4.4.1", null,
            "connect to mx.example.net[192.0.2.25]:25: Connection refused");

    private final DsnBuilder builder = new DsnBuilder("mx.hermod.test", CLOCK);

    private static Envelope envelope(String sender) {
        return new Envelope(ID, sender, List.of(Recipient.pending("bob@example.org"), Recipient.pending("carol@example.net")),
                ARRIVAL, 1234, 1, false, false, "client.example", "192.0.2.10");
    }

    private byte[] build(byte[] headers, List<FailedRecipient> recipients, ReportAction action) {
        byte[] report = builder.build(envelope("alice@example.com"), headers, recipients, action, "dsn-1");
        assertCrlfLinesWithin(report, 998);
        return report;
    }

    private MimeEntity report(List<FailedRecipient> recipients, ReportAction action) {
        return MimeEntity.parse(build(HEADERS.getBytes(StandardCharsets.US_ASCII), recipients, action));
    }

    private static List<Fields> statusGroups(MimeEntity report) {
        MimeEntity status = report.parts().get(1);
        assertThat(status.mediaType()).isEqualTo("message/delivery-status");
        return status.fieldGroups();
    }

    private static String unfold(String text) {
        return text.replace("\r\n ", " ");
    }

    @Test
    void failedReport_hasTheHeadersOfAnAutoRepliedMultipartReport() {
        Fields headers = report(List.of(BOB), ReportAction.FAILED).headers;

        assertThat(headers.get("From")).isEqualTo("Mail Delivery System <MAILER-DAEMON@mx.hermod.test>");
        assertThat(headers.get("To")).isEqualTo("<alice@example.com>");
        assertThat(headers.get("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(headers.get("Date")).isEqualTo(NOW);
        assertThat(headers.get("Message-ID")).isEqualTo("<dsn-1@mx.hermod.test>");
        assertThat(headers.get("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(headers.get("MIME-Version")).isEqualTo("1.0");
        assertThat(headers.get("Content-Transfer-Encoding")).isNull();
        assertThat(headers.names()).doesNotHaveDuplicates();
    }

    @Test
    void failedReport_contentTypeIsMultipartReportOfTypeDeliveryStatusWithAQuotedBoundary() {
        MimeEntity report = report(List.of(BOB), ReportAction.FAILED);

        assertThat(report.mediaType()).isEqualTo("multipart/report");
        assertThat(report.parameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.headers.get("Content-Type")).contains("boundary=\"" + report.parameter("boundary") + "\"");
        assertThat(report.parameter("boundary")).contains("dsn-1").hasSizeLessThanOrEqualTo(70)
                .matches("[A-Za-z0-9'()+_,./:=?-]+");
    }

    @Test
    void failedReport_hasExactlyAnExplanationADeliveryStatusAndTheOriginalHeaders() {
        List<MimeEntity> parts = report(List.of(BOB), ReportAction.FAILED).parts();

        assertThat(parts).extracting(MimeEntity::mediaType)
                .containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(parts.get(0).parameter("charset")).isEqualTo("us-ascii");
        assertThat(parts.get(2).headers.get("Content-Transfer-Encoding")).isNull();
    }

    @Test
    void perMessageFields_nameTheReportingMtaTheQueueIdAndTheArrivalDate() {
        Fields perMessage = statusGroups(report(List.of(BOB), ReportAction.FAILED)).get(0);

        assertThat(perMessage.names()).containsExactly("Reporting-MTA", "X-Hermod-Queue-ID", "Arrival-Date");
        assertThat(perMessage.get("Reporting-MTA")).isEqualTo("dns; mx.hermod.test");
        assertThat(perMessage.get("X-Hermod-Queue-ID")).isEqualTo("000018E500000001");
        assertThat(perMessage.get("Arrival-Date")).isEqualTo("Tue, 5 Mar 2024 00:00:00 +0200");
    }

    @Test
    void rejectedRecipient_hasFinalRecipientActionStatusRemoteMtaDiagnosticAndLastAttempt() {
        List<Fields> groups = statusGroups(report(List.of(BOB), ReportAction.FAILED));

        assertThat(groups).hasSize(2);
        Fields bob = groups.get(1);
        assertThat(bob.names()).containsExactly("Final-Recipient", "Action", "Status", "Remote-MTA",
                "Diagnostic-Code", "Last-Attempt-Date");
        assertThat(bob.get("Final-Recipient")).isEqualTo("rfc822; bob@example.org");
        assertThat(bob.get("Action")).isEqualTo("failed");
        assertThat(bob.get("Status")).isEqualTo("5.1.1");
        assertThat(bob.get("Remote-MTA")).isEqualTo("dns; mx.example.org");
        assertThat(bob.get("Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 <bob@example.org>: no such user");
        assertThat(bob.get("Last-Attempt-Date")).isEqualTo(NOW);
    }

    @Test
    void recipientNoServerAnswered_hasNoRemoteMtaField() {
        MimeEntity report = report(List.of(CAROL), ReportAction.FAILED);
        Fields carol = statusGroups(report).get(1);

        assertThat(carol.names()).doesNotContain("Remote-MTA");
        assertThat(carol.get("Diagnostic-Code"))
                .isEqualTo("smtp; connect to mx.example.net[192.0.2.25]:25: Connection refused");
        assertThat(report.parts().get(0).bodyText()).doesNotContain("said:");
    }

    @Test
    void remoteMtaWithNothingUsable_isLeftOutRatherThanWrittenEmpty() {
        FailedRecipient junk = new FailedRecipient("bob@example.org", "5.1.1", " \r\n", "550 5.1.1 no such user");

        assertThat(statusGroups(report(List.of(junk), ReportAction.FAILED)).get(1).names()).doesNotContain("Remote-MTA");
    }

    @Test
    void nonAsciiDiagnostic_isQuestionMarkedInTheStatusPartAndKeptInTheExplanation() {
        FailedRecipient bob = new FailedRecipient("bob@example.org", "5.1.1", "mx.example.org",
                "550 5.1.1 Benutzer j\u00f6rg unbekannt");
        byte[] report = build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(bob), ReportAction.FAILED);
        MimeEntity parsed = MimeEntity.parse(report);

        assertSevenBit(report);
        assertThat(statusGroups(parsed).get(1).get("Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 Benutzer j?rg unbekannt");
        assertThat(parsed.parts().get(0).quotedPrintableText()).contains("Benutzer j\u00f6rg unbekannt");
    }

    @Test
    void twoRecipients_getOneFieldGroupEachInTheOrderGivenAndAreBothExplained() {
        MimeEntity report = report(List.of(BOB, CAROL), ReportAction.FAILED);
        List<Fields> groups = statusGroups(report);

        assertThat(groups).hasSize(3);
        assertThat(groups.get(1).get("Final-Recipient")).isEqualTo("rfc822; bob@example.org");
        assertThat(groups.get(1).get("Remote-MTA")).isEqualTo("dns; mx.example.org");
        assertThat(groups.get(2).get("Final-Recipient")).isEqualTo("rfc822; carol@example.net");
        assertThat(groups.get(2).get("Status")).isEqualTo("4.4.1");
        assertThat(groups.get(2).get("Remote-MTA")).isNull();
        String text = unfold(report.parts().get(0).bodyText());
        assertThat(text).contains("<bob@example.org>", "mx.example.org said: 550 5.1.1 <bob@example.org>: no such user",
                "<carol@example.net>", "Connection refused");
        assertThat(text.indexOf("<bob@example.org>")).isLessThan(text.indexOf("<carol@example.net>"));
    }

    @Test
    void explanation_namesTheReportingHostAndTheOriginalMessageId() {
        String text = report(List.of(BOB), ReportAction.FAILED).parts().get(0).bodyText();

        assertThat(text).startsWith("This is the mail delivery system at mx.hermod.test.\r\n")
                .contains("000018E500000001").contains("could not be delivered");
    }

    @Test
    void delayedReport_saysDelayedInSubjectActionAndExplanation() {
        FailedRecipient bob = new FailedRecipient("bob@example.org", "4.4.7", "mx.example.org", "451 4.4.7 try later");
        MimeEntity report = report(List.of(bob), ReportAction.DELAYED);
        Fields group = statusGroups(report).get(1);

        assertThat(report.headers.get("Subject")).isEqualTo("Delayed Mail (still being retried)");
        assertThat(group.get("Action")).isEqualTo("delayed");
        assertThat(group.get("Status")).isEqualTo("4.4.7");
        assertThat(group.get("Diagnostic-Code")).isEqualTo("smtp; 451 4.4.7 try later");
        assertThat(group.names()).doesNotContain("Will-Retry-Until");
        assertThat(unfold(report.parts().get(0).bodyText()))
                .contains("has not yet been delivered").contains("still being retried")
                .doesNotContain("could not be delivered");
    }

    @Test
    void statusThatIsNotAnEnhancedCode_isReportedAsTheActionsGenericCode() {
        FailedRecipient odd = new FailedRecipient("bob@example.org", "bogus\r\nX: y", null, "550 no");

        assertThat(statusGroups(report(List.of(odd), ReportAction.FAILED)).get(1).get("Status")).isEqualTo("5.0.0");
        assertThat(statusGroups(report(List.of(odd), ReportAction.DELAYED)).get(1).get("Status")).isEqualTo("4.0.0");
    }

    @Test
    void originalHeaders_areAttachedByteForByte() {
        MimeEntity headers = report(List.of(BOB), ReportAction.FAILED).parts().get(2);

        assertThat(headers.body).isEqualTo(HEADERS.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void originalHeadersWithBareLfAndBareCr_areAttachedWithCrlf() {
        byte[] report = build("A: 1\nB: 2\rC: 3\r\nD: 4".getBytes(StandardCharsets.US_ASCII), List.of(BOB),
                ReportAction.FAILED);

        assertThat(MimeEntity.parse(report).parts().get(2).bodyText()).isEqualTo("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n");
    }

    @Test
    void emptyOrMissingOriginalHeaders_giveAnEmptyThirdPart() {
        for (byte[] headers : new byte[][] {new byte[0], null}) {
            List<MimeEntity> parts = MimeEntity.parse(build(headers, List.of(BOB), ReportAction.FAILED)).parts();

            assertThat(parts).hasSize(3);
            assertThat(parts.get(2).mediaType()).isEqualTo("text/rfc822-headers");
            assertThat(parts.get(2).body).isEmpty();
        }
    }

    @Test
    void originalHeaderLineOver998Octets_isFoldedAndUnfoldsToTheOriginal() {
        String longLine = "X-Long: " + "a".repeat(3000) + "\r\n";
        byte[] report = build(longLine.getBytes(StandardCharsets.US_ASCII), List.of(BOB), ReportAction.FAILED);

        String attached = MimeEntity.parse(report).parts().get(2).bodyText();
        assertThat(attached).isNotEqualTo(longLine);
        assertThat(attached.replace("\r\n ", "")).isEqualTo(longLine);
    }

    @Test
    void lineBreaksInDiagnosticsAndHeaders_neverLeaveABareCrOrLf() {
        FailedRecipient multiLine = new FailedRecipient("bob@example.org", "5.1.1", "mx.example.org",
                "550-5.1.1 first\r\n550-5.1.1 second\nthird\rfourth\r\n");
        byte[] report = build("A: 1\n\rB: 2\r\r\n".getBytes(StandardCharsets.US_ASCII), List.of(multiLine),
                ReportAction.FAILED);

        assertCrlfLinesWithin(report, 998);
        assertThat(statusGroups(MimeEntity.parse(report)).get(1).get("Diagnostic-Code"))
                .isEqualTo("smtp; 550-5.1.1 first 550-5.1.1 second third fourth");
    }

    @Test
    void diagnosticWithAnEmbeddedFieldLine_staysInsideDiagnosticCode() {
        FailedRecipient sneaky = new FailedRecipient("bob@example.org", "5.7.1", "mx.example.org",
                "550 5.7.1 rejected\r\nAction: delivered\r\n\r\nX-Injected: yes");
        List<Fields> groups = statusGroups(report(List.of(sneaky), ReportAction.FAILED));

        assertThat(groups).hasSize(2);
        assertThat(groups.get(1).all("Action")).containsExactly("failed");
        assertThat(groups.get(1).names()).doesNotContain("X-Injected");
        assertThat(groups.get(1).get("Diagnostic-Code"))
                .isEqualTo("smtp; 550 5.7.1 rejected Action: delivered X-Injected: yes");
    }

    @Test
    void diagnosticOf5000Characters_isFoldedIntoShortLinesThatUnfoldToTheDiagnostic() {
        String diagnostic = "550 5.7.1 " + IntStream.range(0, 1000).mapToObj(i -> "word" + i)
                .collect(Collectors.joining(" "));
        assertThat(diagnostic.length()).isGreaterThan(5000);
        FailedRecipient bob = new FailedRecipient("bob@example.org", "5.7.1", "mx.example.org", diagnostic);
        byte[] report = build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(bob), ReportAction.FAILED);

        MimeEntity status = MimeEntity.parse(report).parts().get(1);
        assertCrlfLinesWithin(status.body, 78);
        assertThat(status.fieldGroups().get(1).get("Diagnostic-Code")).isEqualTo("smtp; " + diagnostic);
        assertThat(unfold(MimeEntity.parse(report).parts().get(0).bodyText().replace("\r\n    ", " ")))
                .contains(diagnostic);
    }

    @Test
    void diagnosticOf5000CharactersWithoutSpaces_isBrokenIntoLinesOfAtMost998Octets() {
        String diagnostic = "550 " + "x".repeat(5000);
        FailedRecipient bob = new FailedRecipient("bob@example.org", "5.7.1", "mx.example.org", diagnostic);
        byte[] report = build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(bob), ReportAction.FAILED);

        String code = statusGroups(MimeEntity.parse(report)).get(1).get("Diagnostic-Code");
        assertThat(code.replace(" ", "")).isEqualTo("smtp;550" + "x".repeat(5000));
    }

    @Test
    void recipientAddressOf2000Characters_stillGivesLinesOfAtMost998Octets() {
        FailedRecipient huge = new FailedRecipient("a".repeat(2000) + "@example.org", "5.1.1", null, "550 no");
        build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(huge), ReportAction.FAILED);
    }

    @Test
    void nonAsciiRecipient_isAUtf8FinalRecipientAndAQuotedPrintableUtf8Explanation() {
        FailedRecipient jose = new FailedRecipient("jos\u00e9+x@b\u00fccher.example", "5.1.1", "mx.b\u00fccher.example",
                "550 5.1.1 unknown user");
        byte[] report = build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(jose), ReportAction.FAILED);
        MimeEntity parsed = MimeEntity.parse(report);
        MimeEntity explanation = parsed.parts().get(0);

        assertSevenBit(report);
        assertThat(statusGroups(parsed).get(1).get("Final-Recipient"))
                .isEqualTo("utf-8; jos\\x{E9}\\x{2B}x@b\\x{FC}cher.example");
        assertThat(explanation.parameter("charset")).isEqualTo("utf-8");
        assertThat(explanation.headers.get("Content-Transfer-Encoding")).isEqualTo("quoted-printable");
        assertThat(explanation.quotedPrintableText()).contains("<jos\u00e9+x@b\u00fccher.example>")
                .contains("550 5.1.1 unknown user");
    }

    @Test
    void asciiReport_isSevenBitThroughout() {
        assertSevenBit(build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(BOB, CAROL), ReportAction.FAILED));
    }

    @Test
    void eightBitOriginalHeaders_areKeptAsTheyWereAndLabelled8bit() {
        byte[] headers = "Subject: Gr\u00fc\u00dfe\r\nFrom: j\u00f6rg@example.com\r\n".getBytes(StandardCharsets.UTF_8);
        MimeEntity report = MimeEntity.parse(build(headers, List.of(BOB), ReportAction.FAILED));

        assertThat(report.headers.get("Content-Transfer-Encoding")).isEqualTo("8bit");
        assertThat(report.parts().get(2).headers.get("Content-Transfer-Encoding")).isEqualTo("8bit");
        assertThat(report.parts().get(2).body).isEqualTo(headers);
    }

    @Test
    void originalHeadersContainingTheBoundary_makeTheBuilderChooseAnother() {
        String usual = MimeEntity.parse(build(HEADERS.getBytes(StandardCharsets.US_ASCII), List.of(BOB),
                ReportAction.FAILED)).parameter("boundary");
        byte[] trap = ("X-Trap: x\r\n--" + usual + "\r\nContent-Type: text/plain\r\n--" + usual + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        MimeEntity report = MimeEntity.parse(build(trap, List.of(BOB), ReportAction.FAILED));
        assertThat(report.parameter("boundary")).isNotEqualTo(usual);
        assertThat(report.parts()).hasSize(3);
        assertThat(report.parts().get(2).body).isEqualTo(trap);
    }

    @Test
    void dsnIdWithCharactersAMessageIdCannotHold_hasThemReplaced() {
        byte[] report = builder.build(envelope("alice@example.com"), new byte[0], List.of(BOB), ReportAction.FAILED,
                "a b<c>@d\r\n");

        assertCrlfLinesWithin(report, 998);
        MimeEntity parsed = MimeEntity.parse(report);
        assertThat(parsed.headers.get("Message-ID")).isEqualTo("<a_b_c__d__@mx.hermod.test>");
        assertThat(parsed.parts()).hasSize(3);
    }

    @Test
    void emptyDsnId_fallsBackToTheQueueIdAndTheTime() {
        byte[] report = builder.build(envelope("alice@example.com"), new byte[0], List.of(BOB), ReportAction.FAILED, "");

        assertThat(MimeEntity.parse(report).headers.get("Message-ID"))
                .isEqualTo("<000018E500000001." + CLOCK.millis() + "@mx.hermod.test>");
    }

    @Test
    void nullSender_isAddressedToAnEmptyGroupRatherThanAnInvalidAddress() {
        byte[] report = builder.build(envelope(""), new byte[0], List.of(BOB), ReportAction.FAILED, "dsn-1");

        assertThat(MimeEntity.parse(report).headers.get("To")).isEqualTo("undisclosed-recipients:;");
    }

    @Test
    void senderWithLineBreak_cannotAddAHeaderField() {
        byte[] report = builder.build(envelope("alice@example.com\r\nBcc: eve@example.com"), new byte[0],
                List.of(BOB), ReportAction.FAILED, "dsn-1");

        assertCrlfLinesWithin(report, 998);
        assertThat(MimeEntity.parse(report).headers.names()).doesNotContain("Bcc");
    }

    @Test
    void noRecipients_isRefused() {
        assertThatThrownBy(() -> builder.build(envelope("alice@example.com"), new byte[0], List.of(),
                ReportAction.FAILED, "dsn-1")).isInstanceOf(IllegalArgumentException.class);
    }
}
