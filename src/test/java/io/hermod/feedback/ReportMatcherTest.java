package io.hermod.feedback;

import static io.hermod.feedback.Reports.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.bounce.Classifier;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.config.SuppressionConfig;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.intake.InboundMail;
import io.hermod.spool.MessageId;
import io.hermod.spool.Suppression;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportMatcherTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final MessageId SENT = MessageId.parse("0192A3B4C5D6E7F8");
    private static final MessageId INBOUND = MessageId.parse("0192A3B4C5D6FFFF");
    private final References refs = new References("a-secret-of-some-length");
    private final ReportMatcher matcher = new ReportMatcher(refs, Classifier.builtIn(),
            new SuppressionPolicy(new SuppressionConfig(true, Optional.empty(), SuppressionConfig.Scope.SENDER_DOMAIN)));

    private String ref(String recipient) {
        return new String(refs.headerField(SENT, "news@origin.test", List.of(recipient)), StandardCharsets.US_ASCII);
    }

    private String verp(String... recipients) {
        return refs.returnLocalPart(SENT, List.of(recipients)) + "@bounces.origin.test";
    }

    private Matched match(String rcpt, String message) {
        InboundMail.Message m = new InboundMail.Message(INBOUND, "", List.of(rcpt), "192.0.2.9", crlf(message), false);
        return matcher.match(m, ReportParser.parse(m.bytes()), NOW);
    }

    @Test
    void gmailDsnToVerpAddress_isOobForThatMessageAndRecipient_andSuppresses() {
        String to = verp("nosuchuser@gmail.com");

        Matched m = match(to, Reports.gmailDsn(to, ref("nosuchuser@gmail.com")));

        assertThat(m.type()).isEqualTo("oob");
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.OOB);
            assertThat(e.messageId()).isEqualTo(SENT.toString());
            assertThat(e.recipient()).isEqualTo("nosuchuser@gmail.com");
            assertThat(e.code()).isEqualTo(550);
            assertThat(e.enhancedCode()).isEqualTo("5.1.1");
            assertThat(e.category()).isEqualTo("invalid-recipient");
            assertThat(e.detail()).isEqualTo("failed");
            assertThat(e.destinationHost()).startsWith("gmail-smtp-in.l.google.com.");
        });
        assertThat(m.suppressions()).containsExactly(
                new Suppression("origin.test", "nosuchuser@gmail.com", "invalid-recipient", NOW, 0));
    }

    @Test
    void microsoftDsn_matchedByVerpTagAlone_withoutAnyReturnedReference() {
        String to = verp("someone@outlook.com");

        Matched m = match(to, Reports.microsoftDsn(to, ""));

        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.messageId()).isEqualTo(SENT.toString());
            assertThat(e.recipient()).isEqualTo("someone@outlook.com");
            assertThat(e.category()).isEqualTo("invalid-recipient");
        });
        // No X-Hermod-Ref came back, so the sender's domain (the entry's scope) is unknown: no entry.
        assertThat(m.suppressions()).isEmpty();
    }

    @Test
    void dsnWhoseRecipientIsNotTheTaggedOne_matchesNothing() {
        String to = verp("someone-else@outlook.com");

        Matched m = match(to, Reports.microsoftDsn(to, ""));

        assertThat(m.type()).isEqualTo("unparsed");
        assertThat(m.events().get(0).text()).contains("names none of its recipients");
    }

    @Test
    void dsnToPlainAddress_matchedByTheReturnedReference() {
        Matched m = match("bounces@bounces.origin.test", Reports.gmailDsn("bounces@bounces.origin.test",
                ref("nosuchuser@gmail.com")));

        assertThat(m.type()).isEqualTo("oob");
        assertThat(m.events().get(0).messageId()).isEqualTo(SENT.toString());
    }

    @Test
    void forgedVerp_isUnparsed_andSuppressesNothing() {
        String to = new References("the-forgers-own-secret").returnLocalPart(SENT, List.of("nosuchuser@gmail.com"))
                + "@bounces.origin.test";

        Matched m = match(to, Reports.gmailDsn(to, ""));

        assertThat(m.type()).isEqualTo("unparsed");
        assertThat(m.suppressions()).isEmpty();
        Event e = m.events().get(0);
        assertThat(e.type()).isEqualTo(EventType.Unparsed);
        assertThat(e.messageId()).isNull();
        assertThat(e.text()).startsWith("forged: return path HMAC does not verify");
        assertThat(e.detail()).contains("Subject: Delivery Status Notification (Failure)");
    }

    @Test
    void dsnWithoutAnyReference_isUnparsed() {
        Matched m = match("bounces@bounces.origin.test", Reports.gmailDsn("bounces@bounces.origin.test", ""));

        assertThat(m.events().get(0).text()).startsWith("no Hermod reference");
    }

    @Test
    void yahooArf_isFeedbackForTheReferencedRecipient_notTheRedactedOne_andSuppressesAsComplaint() {
        Matched m = match("fbl@fbl.origin.test", Reports.yahooArf("fbl@fbl.origin.test", ref("reader@yahoo.com")));

        assertThat(m.type()).isEqualTo("feedback");
        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.Feedback);
            assertThat(e.messageId()).isEqualTo(SENT.toString());
            assertThat(e.recipient()).isEqualTo("reader@yahoo.com");
            assertThat(e.detail()).isEqualTo("abuse");
            assertThat(e.text()).isEqualTo("reported by Yahoo!-Mail-Feedback/2.0");
        });
        assertThat(m.suppressions()).containsExactly(new Suppression("origin.test", "reader@yahoo.com", "complaint", NOW, 0));
    }

    @Test
    void arfOfAMessageToSeveral_takesOriginalRcptTo() {
        String ref = new String(refs.headerField(SENT, "news@origin.test", List.of("a@hotmail.com", "b@hotmail.com")),
                StandardCharsets.US_ASCII);

        Matched m = match("fbl@fbl.origin.test", Reports.microsoftArf("fbl@fbl.origin.test", ref, "b@hotmail.com"));

        assertThat(m.events().get(0).recipient()).isEqualTo("b@hotmail.com");
        // Any recipient of that message holds the same reference and could name anyone: no entry.
        assertThat(m.suppressions()).isEmpty();
    }

    @Test
    void arfWithForgedReference_isUnparsed() {
        String forged = new String(new References("the-forgers-own-secret").headerField(SENT, "news@origin.test",
                List.of("reader@yahoo.com")), StandardCharsets.US_ASCII);

        Matched m = match("fbl@fbl.origin.test", Reports.yahooArf("fbl@fbl.origin.test", forged));

        assertThat(m.type()).isEqualTo("unparsed");
        assertThat(m.events().get(0).text()).isEqualTo("forged: X-Hermod-Ref HMAC does not verify");
        assertThat(m.suppressions()).isEmpty();
    }

    @Test
    void notSpamFeedback_isLogged_butSuppressesNothing() {
        String report = Reports.yahooArf("fbl@fbl.origin.test", ref("reader@yahoo.com"))
                .replace("Feedback-Type: abuse", "Feedback-Type: not-spam");

        Matched m = match("fbl@fbl.origin.test", report);

        assertThat(m.events().get(0).detail()).isEqualTo("not-spam");
        assertThat(m.suppressions()).isEmpty();
    }

    @Test
    void yahooPlainBounce_isUnparsed_withItsHeaders() {
        Matched m = match("bounces@bounces.origin.test", Reports.yahooPlainBounce("bounces@bounces.origin.test"));

        Event e = m.events().get(0);
        assertThat(e.type()).isEqualTo(EventType.Unparsed);
        assertThat(e.recipient()).isEqualTo("bounces@bounces.origin.test");
        assertThat(e.destinationAddress()).isEqualTo("192.0.2.9");
        assertThat(e.detail()).startsWith("From: MAILER-DAEMON@yahoo.com\r\n").contains("Subject: Failure Notice");
    }

    @Test
    void delayedDsn_isOob_withoutSuppression() {
        String to = verp("slow@gmail.com");
        String delayed = Reports.gmailDsn(to, ref("slow@gmail.com")).replace("Action: failed", "Action: delayed")
                .replace("Status: 5.1.1", "Status: 4.4.7").replaceAll("(?s)Diagnostic-Code:.*?gsmtp\n", "");

        Matched m = match(to, delayed);

        assertThat(m.events()).singleElement().satisfies(e -> {
            assertThat(e.detail()).isEqualTo("delayed");
            assertThat(e.code()).isEqualTo(450);
            assertThat(e.enhancedCode()).isEqualTo("4.4.7");
        });
        assertThat(m.suppressions()).isEmpty();
    }
}
