package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 550 at the next hop produces exactly one RFC 3464 report back to the sender (through Hermod's
 * own queue, here to the same sink); a message from {@code <>} produces none. An expired message
 * bounces with 4.4.7.
 */
class BounceIT {

    @TempDir
    Path dir;

    @Test
    void rejectedRecipient_producesOneDsnToTheSender() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
            try {
                String id = send(hermod.smtpPort(), "sender@origin.test", List.of("reject-x@far.test", "ok-y@far.test"));
                Await.until(() -> reports(sink).size() == 1, 30, () -> sink.received().toString());
                Await.until(() -> hermod.queue().messages() == 0, 30, () -> hermod.queue().messages() + " open");

                assertThat(reports(sink)).hasSize(1);
                TestSink.Received dsn = reports(sink).get(0);
                assertThat(dsn.recipients()).containsExactly("sender@origin.test");
                String text = dsn.text();
                assertThat(text).containsPattern("(?m)^Content-Type: multipart/report; report-type=delivery-status;");
                assertThat(text).contains("Auto-Submitted: auto-replied");
                assertThat(text).contains("Content-Type: message/delivery-status");
                assertThat(text).contains("Final-Recipient: rfc822; reject-x@far.test");
                assertThat(text).contains("Action: failed");
                assertThat(text).contains("Status: 5.1.1");
                assertThat(text).contains("Diagnostic-Code: smtp; 550 5.1.1 no such user");
                assertThat(text).contains("Remote-MTA: dns; 127.0.0.1");
                assertThat(text).doesNotContain("Final-Recipient: rfc822; ok-y@far.test");
                // the original headers are attached, Hermod's Received line included
                assertThat(text).contains("Content-Type: text/rfc822-headers");
                assertThat(text).contains("Subject: bounce me");
                assertThat(text).contains(" id " + id);
                assertThat(sink.deliveredRecipients()).contains("ok-y@far.test");
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void nullSender_getsNoDsn() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
            try {
                send(hermod.smtpPort(), "", List.of("reject-z@far.test"));
                // once the message has left the queue, any report would already be queued or delivered
                Await.until(() -> rcpts(sink) >= 1 && hermod.queue().messages() == 0, 30,
                        () -> hermod.queue().messages() + " open");
                assertThat(sink.received()).isEmpty();
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void expiredMessage_bouncesWith447() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink() + """
                    queue:
                      max_age: 2s
                      retry: {initial: 1s, max: 1s}
                    """);
            try {
                send(hermod.smtpPort(), "sender@origin.test", List.of("tempfail-t@slow.test"));
                Await.until(() -> reports(sink).size() == 1, 60, () -> sink.reads().toString());
                String text = reports(sink).get(0).text();
                assertThat(text).contains("Final-Recipient: rfc822; tempfail-t@slow.test");
                assertThat(text).contains("Status: 4.4.7");
                assertThat(text).contains("Action: failed");
                assertThat(text).contains("451 4.3.0 try again later");
                Await.until(() -> hermod.queue().messages() == 0, 30, () -> hermod.queue().messages() + " open");
                assertThat(reports(sink)).hasSize(1);
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void stillDeferredAfterDelayWarning_sendsOneDelayReport() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink() + """
                    queue:
                      delay_warning: 1s
                      retry: {initial: 1s, max: 1s}
                    """);
            try {
                send(hermod.smtpPort(), "sender@origin.test", List.of("tempfail-w@slow.test"));
                Await.until(() -> reports(sink).size() == 1, 60, () -> sink.reads().toString());
                String text = reports(sink).get(0).text();
                assertThat(text).contains("Action: delayed");
                assertThat(text).contains("Final-Recipient: rfc822; tempfail-w@slow.test");
                assertThat(text).contains("Status: 4.3.0");
                // retries go on, the report is not repeated
                int attempts = RetryIT.rcptCount(sink, "tempfail-w@slow.test");
                Await.until(() -> RetryIT.rcptCount(sink, "tempfail-w@slow.test") >= attempts + 2, 60,
                        () -> sink.reads().toString());
                assertThat(reports(sink)).hasSize(1);
                assertThat(hermod.queue().messages()).isEqualTo(1);
            } finally {
                hermod.close();
            }
        }
    }

    private static List<TestSink.Received> reports(TestSink sink) {
        return sink.received().stream().filter(r -> r.from().isEmpty()).toList();
    }

    private static int rcpts(TestSink sink) {
        return RetryIT.rcptCount(sink, "reject-z@far.test");
    }

    private static String send(int port, String sender, List<String> recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
            client.greeting();
            client.command("EHLO client.test");
            byte[] data = ("From: <" + sender + ">\r\nSubject: bounce me\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
            return SmtpTestClient.expect(client.sendMail(sender, recipients, data), 250).queueId();
        }
    }
}
