package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.feedback.References;
import io.hermod.feedback.Reports;
import io.hermod.spool.MessageId;
import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code delivery.return_path}, a delivered message leaves with a VERP MAIL FROM; a bounce
 * that comes back to that address later (a Gmail-style DSN, over SMTP) is consumed, becomes an
 * OOB event for the right message and recipient, and suppresses the recipient; a bounce to a
 * return path signed with another secret is kept as Unparsed and changes nothing. Neither is
 * relayed; the DSNs Hermod itself sends still go out from {@code <>}.
 */
class OutOfBandBounceIT {

    private static final String SECRET = "it-secret-0123456789";
    private static final String GONE = "nosuchuser@gmail.test";
    private static final Pattern VERP = Pattern.compile("b-[a-z2-7]{34}@bounces\\.origin\\.test");

    @TempDir
    Path dir;

    @Test
    void bounceToVerpAddress_isOobForThatMessageAndRecipient_forgedOneIsIgnored() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                      return_path: bounces.origin.test
                    inbound:
                      domains: [bounces.origin.test]
                    feedback:
                      secret: %s
                    suppression:
                      enabled: true
                    """.formatted(SECRET));
            try {
                String id;
                try (SmtpTestClient client = session(hermod)) {
                    SmtpTestClient.Response r = SmtpTestClient.expect(client.sendMail("news@origin.test", List.of(GONE),
                            Reports.crlf("From: news@origin.test\nSubject: Weekly news\n\nHello.\n.\n")), 250);
                    id = r.queueId();
                }
                Await.until(() -> sink.received().size() == 1, 30, () -> "sink got " + sink.received());
                TestSink.Received delivered = sink.received().get(0);
                assertThat(delivered.from()).matches(VERP);
                String refHeader = headerLine(delivered.text(), References.HEADER);

                try (SmtpTestClient mx = session(hermod)) {
                    SmtpTestClient.Response r = mx.sendMail("", List.of(delivered.from()),
                            dotted(Reports.gmailDsn(delivered.from(), refHeader)));
                    assertThat(r.code()).isEqualTo(250);
                    assertThat(r.text()).startsWith("2.0.0 Ok: consumed as ");
                }
                JsonObject oob = EventLogFile.await(hermod, log(), 1, e -> "OOB".equals(e.getString("type"))).get(0);
                assertThat(oob.getString("id")).isEqualTo(id);
                assertThat(oob.getString("recipient")).isEqualTo(GONE);
                assertThat(oob.getString("category")).isEqualTo("invalid-recipient");
                assertThat(oob.getString("enhanced")).isEqualTo("5.1.1");
                assertThat(rcpt(hermod, "news@origin.test", GONE))
                        .isEqualTo("550 5.7.1 <" + GONE + ">: recipient suppressed (invalid-recipient)");

                // A forged bounce: the right form, another secret. Accepted (it was delivered to us), ignored.
                String forgedTo = new References("the-forgers-secret-xyz")
                        .returnLocalPart(MessageId.parse(id), List.of("victim@gmail.test")) + "@bounces.origin.test";
                try (SmtpTestClient mx = session(hermod)) {
                    SmtpTestClient.expect(mx.sendMail("", List.of(forgedTo), dotted(Reports.gmailDsn(forgedTo, ""))), 250);
                }
                JsonObject unparsed = EventLogFile.await(hermod, log(), 1, e -> "Unparsed".equals(e.getString("type")))
                        .get(0);
                assertThat(unparsed.getString("text")).startsWith("forged: return path HMAC does not verify");
                assertThat(unparsed.getString("recipient")).isEqualTo(forgedTo);
                assertThat(EventLogFile.ofType(hermod, log(), "OOB")).hasSize(1);
                assertThat(rcpt(hermod, "news@origin.test", "victim@gmail.test")).startsWith("250");

                // Hermod's own DSN (the sink refuses reject-...) goes out from <>, never rewritten.
                try (SmtpTestClient client = session(hermod)) {
                    SmtpTestClient.expect(client.sendMail("news@origin.test", List.of("reject-x@far.test"),
                            Reports.crlf("Subject: x\n\nbody\n.\n")), 250);
                }
                Await.until(() -> sink.received().stream().anyMatch(m -> m.from().isEmpty()), 30,
                        () -> "no DSN at the sink: " + sink.received());
                assertThat(sink.received()).noneMatch(m -> m.recipients().stream()
                        .anyMatch(r -> r.endsWith("@bounces.origin.test"))); // nothing to the inbound domain relayed
                assertThat(metrics(hermod)).contains("hermod_feedback_reports_total{type=\"oob\"} 1.0")
                        .contains("hermod_feedback_reports_total{type=\"unparsed\"} 1.0");
            } finally {
                hermod.close();
            }
        }
    }

    private Path log() {
        return dir.resolve("events.log");
    }

    /** The header field {@code name} of {@code message}, CRLF-terminated (as it was sent). */
    static String headerLine(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":.*\r\n").matcher(message);
        assertThat(m.find()).as("%s in %s", name, message).isTrue();
        return m.group();
    }

    /** A report as DATA: CRLF lines, dot-stuffed, ended by CRLF.CRLF. */
    static byte[] dotted(String report) {
        String crlf = new String(Reports.crlf(report), StandardCharsets.UTF_8);
        return (crlf.replaceAll("(?m)^\\.", "..") + ".\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static SmtpTestClient session(Hermod hermod) throws IOException {
        SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort());
        client.greeting();
        client.command("EHLO mx.remote.test");
        return client;
    }

    /** The reply to RCPT TO:<recipient> in a fresh transaction from {@code sender}, as one line. */
    static String rcpt(Hermod hermod, String sender, String recipient) {
        try (SmtpTestClient client = session(hermod)) {
            SmtpTestClient.expect(client.command("MAIL FROM:<" + sender + ">"), 250);
            SmtpTestClient.Response r = client.command("RCPT TO:<" + recipient + ">");
            return r.code() + " " + r.text();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String metrics(Hermod hermod) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hermod.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
