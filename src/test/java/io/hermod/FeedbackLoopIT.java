package io.hermod;

import static io.hermod.OutOfBandBounceIT.dotted;
import static io.hermod.OutOfBandBounceIT.headerLine;
import static io.hermod.OutOfBandBounceIT.rcpt;
import static io.hermod.OutOfBandBounceIT.session;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.feedback.References;
import io.hermod.feedback.Reports;
import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A complaint as Yahoo's feedback loop sends it (ARF, the recipient redacted, the original message
 * included) is matched through the X-Hermod-Ref header Hermod added: a Feedback event naming the
 * original recipient, and with suppression on, the next RCPT to that recipient gets 550 5.7.1.
 */
class FeedbackLoopIT {

    private static final String READER = "reader@yahoo.test";

    @TempDir
    Path dir;

    @Test
    void arfReport_becomesFeedbackEvent_andSuppressesTheRecipient() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink() + """
                    inbound:
                      domains: [fbl.origin.test]
                    feedback:
                      secret: it-secret-0123456789
                    suppression:
                      enabled: true
                    """);
            try {
                String id;
                try (SmtpTestClient client = session(hermod)) {
                    id = SmtpTestClient.expect(client.sendMail("news@origin.test", List.of(READER),
                            Reports.crlf("From: news@origin.test\nSubject: Weekly news\n\nHello.\n.\n")), 250).queueId();
                }
                Await.until(() -> sink.received().size() == 1, 30, () -> "sink got " + sink.received());
                TestSink.Received delivered = sink.received().get(0);
                assertThat(delivered.from()).isEqualTo("news@origin.test"); // no return_path: the sender as given
                String refHeader = headerLine(delivered.text(), References.HEADER);

                try (SmtpTestClient fbl = session(hermod)) {
                    SmtpTestClient.Response r = fbl.sendMail("feedback@arf.mail.yahoo.test", List.of("fbl@fbl.origin.test"),
                            dotted(Reports.yahooArf("fbl@fbl.origin.test", refHeader)));
                    assertThat(r.code()).isEqualTo(250);
                }
                JsonObject feedback = EventLogFile.await(hermod, dir.resolve("events.log"), 1,
                        e -> "Feedback".equals(e.getString("type"))).get(0);
                assertThat(feedback.getString("id")).isEqualTo(id);
                assertThat(feedback.getString("recipient")).isEqualTo(READER);
                assertThat(feedback.getString("detail")).isEqualTo("abuse");

                assertThat(rcpt(hermod, "news@origin.test", READER))
                        .isEqualTo("550 5.7.1 <" + READER + ">: recipient suppressed (complaint)");
                assertThat(sink.received()).hasSize(1); // the report was consumed, not relayed
            } finally {
                hermod.close();
            }
        }
    }
}
