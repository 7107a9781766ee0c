package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.CapturedLog;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination nobody answers for: every failed connection is an attempt like any other. Each
 * recipient gets TransientFailure events with the reason, the sender one delay report, and the
 * expiry report names the last reason; the backed-off destination is logged once per backoff
 * period, not once per message or connection.
 */
class UnreachableDestinationIT {

    @TempDir
    Path dir;

    @Test
    void refusedConnections_areAttempts_withEventsADelayReportAndAnExpiryThatNamesTheReason() throws Exception {
        CapturedLog log = CapturedLog.start();
        try (TestSink sink = TestSink.start(true)) {
            TestHermod.WithDeadPort started = TestHermod.startWithDeadPort(dir, """
                    delivery:
                      routes: {"dead.test": "SINK", "*": "127.0.0.1:%d"}
                    queue:
                      retry: {initial: 1s, max: 1s}
                      delay_warning: 2s
                      max_age: 5s
                    """.formatted(sink.port()));
            Hermod hermod = started.hermod();
            int dead = started.port();
            try {
                List<String> recipients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    recipients.add("r" + i + "@dead.test");
                }
                RetryIT.send(hermod.smtpPort(), recipients);
                Path events = dir.resolve("events.log");

                List<JsonObject> expired = EventLogFile.await(hermod, events, 10,
                        e -> "Expiration".equals(e.getString("type")));
                assertThat(expired).allSatisfy(e -> assertThat(e.getString("text"))
                        .contains("last result: 4.4.1 connect to 127.0.0.1:" + dead + " failed"));

                List<JsonObject> deferred = EventLogFile.ofType(hermod, events, "TransientFailure");
                assertThat(deferred).isNotEmpty().allSatisfy(e -> {
                    assertThat(e.getString("enhanced")).isEqualTo("4.4.1");
                    assertThat(e.getString("text")).contains("connect to 127.0.0.1:" + dead + " failed");
                });
                int waves = deferred.stream().mapToInt(e -> e.getInteger("attempt")).max().orElseThrow();
                assertThat(waves).isGreaterThanOrEqualTo(2);

                // to the sender: one delay report, then one failure report naming the reason
                Await.until(() -> reports(sink).size() >= 2, 30, () -> sink.reads().toString());
                List<String> reports = reports(sink);
                assertThat(reports).filteredOn(r -> r.contains("Action: delayed")).hasSize(1);
                assertThat(reports).filteredOn(r -> r.contains("Action: failed")).singleElement().satisfies(r -> {
                    assertThat(r).contains("Status: 4.4.7");
                    assertThat(r).contains("connect to 127.0.0.1:" + dead + " failed");
                });

                long backoffLines = log.messages("io.hermod.queue.SiteDispatcher").stream()
                        .filter(m -> m.contains("backed off")).count();
                // ten recipients, several connections per wave, yet one line per backoff period
                assertThat(backoffLines).isBetween(1L, (long) waves);
            } finally {
                hermod.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void delayReport_goesOutOnce_evenAcrossARestart() throws Exception {
        String config = """
                delivery:
                  routes: {"dead.test": "SINK", "*": "127.0.0.1:%d"}
                queue:
                  retry: {initial: 1s, max: 1s}
                  delay_warning: 1s
                """;
        try (TestSink sink = TestSink.start(true)) {
            TestHermod.WithDeadPort started = TestHermod.startWithDeadPort(dir, config.formatted(sink.port()));
            Hermod hermod = started.hermod();
            try {
                RetryIT.send(hermod.smtpPort(), List.of("a@dead.test"));
                Await.until(() -> reports(sink).size() == 1, 30, () -> sink.reads().toString());
                assertThat(reports(sink).get(0)).contains("Action: delayed");
            } finally {
                hermod.close();
            }
            Path events = dir.resolve("events.log");
            Hermod restarted = TestHermod.start(dir, started.port(), config.formatted(sink.port()));
            try {
                int before = maxAttempt(restarted, events);
                // two more attempts after the restart, each past the delay warning: still one report
                EventLogFile.await(restarted, events, 1, e -> "TransientFailure".equals(e.getString("type"))
                        && e.getInteger("attempt") >= before + 2);
                assertThat(reports(sink)).hasSize(1);
            } finally {
                restarted.close();
            }
        }
    }

    private static int maxAttempt(Hermod hermod, Path events) {
        return EventLogFile.ofType(hermod, events, "TransientFailure").stream()
                .mapToInt(e -> e.getInteger("attempt")).max().orElse(0);
    }

    private static List<String> reports(TestSink sink) {
        return sink.received().stream().filter(r -> r.from().isEmpty()).map(TestSink.Received::text).toList();
    }
}
