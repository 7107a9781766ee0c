package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that refuses connections or greets with 421 is backed off as a whole: Hermod
 * does not try it once per queued message, and delivers everything once it is back.
 */
class SiteFailureIT {

    @TempDir
    Path dir;

    private static final String CONFIG = """
            delivery:
              routes: {"*": "SINK"}
              max_connections_per_destination: 2
            queue:
              retry: {initial: 1s, max: 2s}
            """;

    @Test
    void greeting421_backsOffTheDestination_thenDeliversAll() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            sink.greeting(TestSink.Greeting.TEMPFAIL_421);
            Hermod hermod = TestHermod.start(dir, sink.port(), CONFIG);
            try {
                ConnectionReuseIT.send(hermod.smtpPort(), 50);
                // every message is attempted (a failed connection is an attempt), then retried at
                // least once after a backoff period, while the site is down
                Path events = dir.resolve("events.log");
                EventLogFile.await(hermod, events, 100, e -> "TransientFailure".equals(e.getString("type")));
                assertThat(EventLogFile.ofType(hermod, events, "TransientFailure"))
                        .allSatisfy(e -> assertThat(e.getString("text")).contains("421"))
                        .anySatisfy(e -> assertThat(e.getInteger("attempt")).isEqualTo(2));
                int attemptsWhileDown = sink.connections();
                // 50 messages, yet only a few connection attempts: the site, not each message, waits
                assertThat(attemptsWhileDown).isLessThan(10);
                assertThat(sink.received()).isEmpty();

                sink.greeting(TestSink.Greeting.OK);
                Await.until(() -> sink.received().size() == 50, 60, () -> sink.received().size() + " received");
                assertThat(sink.maxConcurrentConnections()).isLessThanOrEqualTo(2);
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void connectionRefused_untilTheServerStarts_thenDeliversAll() throws Exception {
        TestHermod.WithDeadPort started = TestHermod.startWithDeadPort(dir, CONFIG);
        Hermod hermod = started.hermod();
        int port = started.port();
        try {
            ConnectionReuseIT.send(hermod.smtpPort(), 20);
            // each message's first attempt fails with the refused connection, recorded as such
            List<JsonObject> refused = EventLogFile.await(hermod, dir.resolve("events.log"), 20,
                    e -> "TransientFailure".equals(e.getString("type")));
            assertThat(refused).allSatisfy(e -> {
                assertThat(e.getString("enhanced")).isEqualTo("4.4.1");
                assertThat(e.getString("text")).contains("connect to 127.0.0.1:" + port + " failed");
            });
            try (TestSink sink = TestSink.start(true, port)) {
                Await.until(() -> sink.received().size() == 20, 60, () -> sink.received().size() + " received");
                assertThat(sink.maxConcurrentConnections()).isLessThanOrEqualTo(2);
            }
        } finally {
            hermod.close();
        }
    }
}
