package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deferred batch is durable once answered 202: Hermod stopped while expanding it resumes where
 * it stood at the next start on the same spool, and every recipient gets its message, made once (a
 * clean stop records the progress).
 */
class DeferredInjectionRestartIT {

    private static final int RECIPIENTS = 2000;

    @TempDir
    Path dir;

    @Test
    void stoppedWhileExpanding_resumesAfterTheRestart_everyRecipientOnce() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            String config = "delivery:\n  routes: {\"*\": \"SINK\"}\nqueue:\n  retry: {initial: 1s}\n"; // in flight at the stop: retried soon
            Hermod first = TestHermod.start(dir, sink.port(), config);
            int storedAtStop;
            try {
                JsonArray recipients = new JsonArray();
                for (int i = 0; i < RECIPIENTS; i++) {
                    recipients.add(new JsonObject().put("email", "r" + i + "@d" + (i % 5) + ".test"));
                }
                JsonObject request = new JsonObject().put("envelope_sender", "").put("recipients", recipients)
                        .put("deferred", true).put("campaign", "restart")
                        .put("content", "From: a@example.com\nTo: {{email}}\nSubject: for {{email}}\n\nhi\n");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + first.httpPort() + "/api/v1/inject"))
                        .POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            } finally {
                first.close();
            }
            // Stopped part way: the batch is still stored, and its progress is behind the end.
            try (var spool = io.hermod.spool.Spool.open(dir.resolve("spool"))) {
                var pending = spool.injections().pending();
                storedAtStop = pending.isEmpty() ? RECIPIENTS : pending.get(0).next();
            }
            assertThat(storedAtStop).as("the stop came before the batch was done").isLessThan(RECIPIENTS);

            Hermod second = TestHermod.start(dir, sink.port(), config);
            try {
                Await.until(() -> distinct(sink).size() == RECIPIENTS, 120,
                        () -> distinct(sink).size() + " of " + RECIPIENTS + " delivered");
                assertThat(second.spool().injections().pending()).isEmpty();
                // Each recipient's message was made once (a delivery in flight at the stop may be repeated:
                // that is the queue's at-least-once, not the batch's).
                assertThat(EventLogFile.ofType(second, dir.resolve("events.log"), "Reception"))
                        .hasSize(RECIPIENTS)
                        .allSatisfy(e -> assertThat(e.getString("campaign")).isEqualTo("restart"));
                TestSink.Received one = sink.received().get(sink.received().size() - 1);
                assertThat(one.text()).contains("Subject: for " + one.recipients().get(0) + "\r\n");
            } finally {
                second.close();
            }
        }
    }

    private static Set<String> distinct(TestSink sink) {
        return new HashSet<>(sink.deliveredRecipients());
    }
}
