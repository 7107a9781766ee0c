package io.hermod.feedback;

import static io.hermod.feedback.Reports.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportParserTest {

    private static final String REF = "X-Hermod-Ref: 1AAAAREF\r\n";

    @Test
    void gmailDsn_givesTheFailedRecipientItsStatusAndDiagnostic_andTheReturnedReference() {
        Report report = ReportParser.parse(crlf(Reports.gmailDsn("b-x@bounces.origin.test", REF)));

        assertThat(report).isInstanceOf(Report.Delivery.class);
        Report.Delivery dsn = (Report.Delivery) report;
        assertThat(dsn.reportingMta()).isEqualTo("googlemail.com");
        assertThat(dsn.references()).containsExactly("1AAAAREF");
        assertThat(dsn.recipients()).hasSize(1);
        Report.RecipientStatus r = dsn.recipients().get(0);
        assertThat(r.finalRecipient()).isEqualTo("nosuchuser@gmail.com");
        assertThat(r.action()).isEqualTo("failed");
        assertThat(r.status()).isEqualTo("5.1.1");
        assertThat(r.diagnosticCode()).startsWith("smtp; 550-5.1.1 The email account that you tried to reach does not exist.")
                .contains(" 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser").doesNotContain("\n");
        assertThat(r.remoteMta()).startsWith("gmail-smtp-in.l.google.com.");
    }

    @Test
    void microsoftDsn_withReturnedHeadersOnly() {
        Report.Delivery dsn = (Report.Delivery) ReportParser.parse(crlf(Reports.microsoftDsn("b-x@bounces.origin.test", REF)));

        assertThat(dsn.reportingMta()).isEqualTo("AM0PR01MB1234.eurprd01.prod.exchangelabs.com");
        assertThat(dsn.references()).containsExactly("1AAAAREF");
        assertThat(dsn.recipients()).singleElement().satisfies(r -> {
            assertThat(r.finalRecipient()).isEqualTo("someone@outlook.com");
            assertThat(r.status()).isEqualTo("5.5.0");
            assertThat(r.diagnosticCode()).startsWith("smtp;550 5.5.0 Requested action not taken: mailbox unavailable");
        });
    }

    @Test
    void base64EncodedStatusPart_isDecoded() {
        String status = "Reporting-MTA: dns; mx.b64.test\r\n\r\nFinal-Recipient: rfc822; z@b64.test\r\n"
                + "Action: failed\r\nStatus: 5.2.1\r\n";
        String message = "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(status.getBytes(StandardCharsets.US_ASCII))
                + "\r\n--b--\r\n";

        Report report = ReportParser.parse(message.getBytes(StandardCharsets.US_ASCII));

        assertThat(report).isInstanceOfSatisfying(Report.Delivery.class, d -> {
            assertThat(d.reportingMta()).isEqualTo("mx.b64.test");
            assertThat(d.recipients()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("5.2.1"));
        });
    }

    @Test
    void yahooPlainTextBounce_isUnrecognised() {
        Report report = ReportParser.parse(crlf(Reports.yahooPlainBounce("b-x@bounces.origin.test")));

        assertThat(report).isInstanceOfSatisfying(Report.Unrecognised.class,
                u -> assertThat(u.reason()).contains("not a multipart/report").contains("text/plain"));
    }

    @Test
    void yahooArf_givesTypeAgentAndTheOriginalsReference() {
        Report report = ReportParser.parse(crlf(Reports.yahooArf("fbl@fbl.origin.test", REF)));

        assertThat(report).isEqualTo(new Report.Feedback("abuse", "Yahoo!-Mail-Feedback/2.0", "redacted@yahoo.com",
                "news@origin.test", "192.0.2.25", List.of("1AAAAREF")));
    }

    @Test
    void microsoftArf_withHeadersOnly() {
        Report report = ReportParser.parse(crlf(Reports.microsoftArf("fbl@fbl.origin.test", REF, "reader@hotmail.com")));

        assertThat(report).isInstanceOfSatisfying(Report.Feedback.class, f -> {
            assertThat(f.feedbackType()).isEqualTo("abuse");
            assertThat(f.originalRcptTo()).isEqualTo("reader@hotmail.com");
            assertThat(f.references()).containsExactly("1AAAAREF");
        });
    }

    @Test
    void reportWithoutItsMachinePart_orOtherReportType_isUnrecognised() {
        String noStatus = Reports.gmailDsn("x@y.test", "").replace("Content-Type: message/delivery-status",
                "Content-Type: text/plain");
        String otherType = Reports.gmailDsn("x@y.test", "").replace("report-type=delivery-status",
                "report-type=disposition-notification");

        assertThat(ReportParser.parse(crlf(noStatus))).isInstanceOfSatisfying(Report.Unrecognised.class,
                u -> assertThat(u.reason()).contains("without a message/delivery-status part"));
        assertThat(ReportParser.parse(crlf(otherType))).isInstanceOfSatisfying(Report.Unrecognised.class,
                u -> assertThat(u.reason()).contains("disposition-notification"));
    }

    @Test
    void garbage_isUnrecognised_neverThrows() {
        for (String text : new String[] {"", "\r\n\r\n", "not mail at all", "Content-Type: multipart/report\r\n\r\nx",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\n",
                "Content-Type: multipart/report; report-type=feedback-report; boundary=b\r\n\r\n--b\r\n"
                        + "Content-Type: message/feedback-report\r\n\r\nVersion: 1\r\n--b--\r\n",
                "Content-Type: ;;;\r\n\r\n", "\u0000\u0001\u00ff"}) {
            assertThat(ReportParser.parse(text.getBytes(StandardCharsets.ISO_8859_1))).as(text)
                    .isInstanceOf(Report.Unrecognised.class);
        }
    }

    @Test
    void headerSection_isBounded() {
        byte[] message = crlf("Subject: x\nFrom: y\n\nbody\n");

        assertThat(ReportParser.headerSection(message, 1000)).isEqualTo("Subject: x\r\nFrom: y\r\n");
        assertThat(ReportParser.headerSection(message, 5)).isEqualTo("Subje...");
    }
}
