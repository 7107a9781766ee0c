package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-recipient results: a 451 is retried after the backoff and delivered once the next hop
 * accepts, a 550 is final after one attempt, and the other recipients of the same message are
 * delivered at once either way. The spool records each state and lets the message go at the end.
 */
class RetryIT {

    @TempDir
    Path dir;

    @Test
    void tempfailRetriedUntilAccepted_rejectFinalAtOnce_othersUnaffected() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                    queue:
                      retry: {initial: 1s, max: 2s}
                    """);
            try {
                String id = send(hermod.smtpPort(), List.of("tempfail-a@retry.test", "reject-b@retry.test",
                        "ok-c@retry.test", "ok-d@other.test"));

                Await.until(() -> sink.deliveredRecipients().containsAll(List.of("ok-c@retry.test", "ok-d@other.test")),
                        30, () -> sink.reads().toString());
                assertThat(sink.deliveredRecipients()).doesNotContain("tempfail-a@retry.test", "reject-b@retry.test");

                // the spool now records: c and d delivered, b bounced, a pending with a next attempt
                Envelope midway = awaitStates(hermod, id, 4);
                assertThat(stateOf(midway, "ok-c@retry.test")).isEqualTo(RecipientState.DELIVERED);
                assertThat(stateOf(midway, "reject-b@retry.test")).isEqualTo(RecipientState.BOUNCED);
                Recipient a = recipient(midway, "tempfail-a@retry.test");
                assertThat(a.state()).isEqualTo(RecipientState.PENDING);
                assertThat(a.attempts()).isGreaterThanOrEqualTo(1);
                assertThat(a.nextAttemptMillis()).isGreaterThan(0);
                assertThat(a.lastResult()).startsWith("451 4.3.0");
                assertThat(recipient(midway, "reject-b@retry.test").lastResult()).startsWith("550 5.1.1");

                // a retry or two happens (still 451), then the sink accepts and the retry delivers
                Await.until(() -> rcptCount(sink, "tempfail-a@retry.test") >= 2, 30, () -> sink.reads().toString());
                sink.acceptTempfails(true);
                Await.until(() -> sink.deliveredRecipients().contains("tempfail-a@retry.test"), 30,
                        () -> sink.reads().toString());

                assertThat(rcptCount(sink, "reject-b@retry.test")).isEqualTo(1);
                assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrder(
                        "ok-c@retry.test", "ok-d@other.test", "tempfail-a@retry.test",
                        "sender@example.com"); // the one report about reject-b
                Await.until(() -> hermod.queue().messages() == 0, 30, () -> "message still open");
                // the ledger lets go first, the spool's delete is group-committed just after
                Await.until(() -> hermod.spool().envelope(io.hermod.spool.MessageId.parse(id)).isEmpty(), 30,
                        () -> "message " + id + " still in the spool");
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void connectionDroppedInData_isDeferred_andTheFailureNamesTheStep() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                    queue:
                      retry: {initial: 1s, max: 2s}
                    """);
            try {
                String id = send(hermod.smtpPort(), List.of("disconnect-x@drop.test"));
                Envelope recorded = awaitStates(hermod, id, 1);
                Recipient x = recorded.recipients().get(0);
                assertThat(x.state()).isEqualTo(RecipientState.PENDING);
                assertThat(x.lastResult()).isEqualTo("4.4.2 lost connection with 127.0.0.1:" + sink.port()
                        + " while sending end of data");
                // it is tried again after the backoff, on a new connection
                Await.until(() -> rcptCount(sink, "disconnect-x@drop.test") >= 2, 30, () -> sink.reads().toString());
                assertThat(sink.connections()).isGreaterThanOrEqualTo(2);
                assertThat(sink.received()).isEmpty();
            } finally {
                hermod.close();
            }
        }
    }

    private static Envelope awaitStates(Hermod hermod, String id, int expectedRecorded) throws InterruptedException {
        io.hermod.spool.MessageId messageId = io.hermod.spool.MessageId.parse(id);
        Envelope[] seen = new Envelope[1];
        Await.until(() -> {
            seen[0] = hermod.spool().envelope(messageId).orElseThrow();
            return seen[0].recipients().stream().filter(r -> r.attempts() > 0).count() >= expectedRecorded;
        }, 30, () -> String.valueOf(seen[0]));
        return seen[0];
    }

    private static Recipient recipient(Envelope e, String address) {
        return e.recipients().stream().filter(r -> r.address().equals(address)).findFirst().orElseThrow();
    }

    private static RecipientState stateOf(Envelope e, String address) {
        return recipient(e, address).state();
    }

    static int rcptCount(TestSink sink, String address) {
        int n = 0;
        for (List<String> connection : sink.reads()) {
            for (String read : connection) {
                int from = 0;
                while ((from = read.indexOf("RCPT TO:<" + address + ">", from)) >= 0) {
                    n++;
                    from++;
                }
            }
        }
        return n;
    }

    static String send(int port, List<String> recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
            client.greeting();
            client.command("EHLO client.test");
            return SmtpTestClient.expect(client.sendMail("sender@example.com", new ArrayList<>(recipients),
                    "Subject: retry\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250).queueId();
        }
    }
}
