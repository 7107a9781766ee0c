package io.hermod.feedback;

import static io.hermod.feedback.Reports.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.bounce.Classifier;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.config.FeedbackConfig;
import io.hermod.config.SuppressionConfig;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.eventlog.EventType;
import io.hermod.intake.InboundMail;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.MessageId;
import io.hermod.spool.Suppression;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** consume(): the entry is durable and the events written (flushed) before the future completes. */
class InboundReportsTest {

    private static final String SECRET = "a-secret-of-some-length";
    private static final MessageId SENT = MessageId.parse("0192A3B4C5D6E7F8");

    private final List<String> log = new ArrayList<>();
    private final CompletableFuture<Void> entryWritten = new CompletableFuture<>();
    private final HermodMetrics metrics = HermodMetrics.noop();

    private InboundReports reports() {
        FeedbackConfig config = new FeedbackConfig(List.of("fbl.origin.test"), 1 << 20, Optional.empty(),
                Optional.of(SECRET));
        EventSink events = new EventSink() {
            @Override
            public void append(Event event) {
                log.add("event " + event.type());
            }

            @Override
            public void flush() {
                log.add("flush");
            }
        };
        return new InboundReports(config, new References(SECRET), Classifier.builtIn(),
                new SuppressionPolicy(new SuppressionConfig(true, Optional.empty(), SuppressionConfig.Scope.GLOBAL)),
                entry -> {
                    log.add("suppress " + entry.address() + " " + entry.reason());
                    return entryWritten;
                }, events, metrics, Runnable::run, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    @Test
    void complaint_waitsForTheEntry_thenWritesAndFlushesTheEvent() throws Exception {
        InboundReports reports = reports();
        String ref = new String(new References(SECRET).headerField(SENT, "news@origin.test", List.of("reader@yahoo.test")),
                StandardCharsets.US_ASCII);
        InboundMail.Message message = new InboundMail.Message(MessageId.parse("0192A3B4C5D6FFFF"), "",
                List.of("fbl@fbl.origin.test"), "192.0.2.9", crlf(Reports.yahooArf("fbl@fbl.origin.test", ref)), false);

        assertThat(reports.consumes("fbl.origin.test")).isTrue();
        assertThat(reports.consumes("origin.test")).isFalse();
        CompletableFuture<Void> done = reports.consume(message);

        assertThat(done).isNotDone();
        assertThat(log).containsExactly("suppress reader@yahoo.test complaint");
        entryWritten.complete(null);
        done.get(10, TimeUnit.SECONDS);
        assertThat(log).containsExactly("suppress reader@yahoo.test complaint", "event " + EventType.Feedback, "flush");
        assertThat(metrics.registry().get("hermod.feedback.reports").tag("type", "feedback").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void failedEntryWrite_failsTheConsumption_andWritesNoEvent() {
        InboundReports reports = reports();
        String ref = new String(new References(SECRET).headerField(SENT, "news@origin.test", List.of("reader@yahoo.test")),
                StandardCharsets.US_ASCII);
        CompletableFuture<Void> done = reports.consume(new InboundMail.Message(MessageId.parse("0192A3B4C5D6FFFF"), "",
                List.of("fbl@fbl.origin.test"), "192.0.2.9", crlf(Reports.yahooArf("fbl@fbl.origin.test", ref)), false));

        entryWritten.completeExceptionally(new IllegalStateException("disk full"));

        assertThat(done).isCompletedExceptionally();
        assertThat(log).containsExactly("suppress reader@yahoo.test complaint");
    }
}
