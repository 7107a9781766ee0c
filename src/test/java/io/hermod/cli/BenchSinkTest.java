package io.hermod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code hermod bench} against {@code hermod sink}, small counts: the figures are there and agree
 * with each other (nothing timed).
 */
class BenchSinkTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void benchAgainstItsOwnSink_everyMessageAcceptedAndReceived_figuresConsistent() throws Exception {
        int port = freePort();
        CliRun r = CliRun.run("bench", "--target", "127.0.0.1:" + port, "--sink-port", String.valueOf(port),
                "--messages", "300", "--concurrency", "4", "--recipients", "2", "--domain", "a.test:3",
                "--domain", "b.test:1", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonObject summary = new JsonObject(r.out());
        assertThat(summary.getLong("accepted")).isEqualTo(300);
        assertThat(summary.getLong("failed")).isZero();
        assertThat(summary.getLong("sink_recipients")).isEqualTo(600);
        assertThat(summary.getDouble("accept_msg_per_s")).isPositive();
        assertThat(summary.getDouble("e2e_msg_per_s")).isPositive();
        JsonObject latency = summary.getJsonObject("latency_ms");
        assertThat(latency.getInteger("measured")).isEqualTo(300);
        assertThat(latency.getDouble("p50")).isLessThanOrEqualTo(latency.getDouble("p90"));
        assertThat(latency.getDouble("p90")).isLessThanOrEqualTo(latency.getDouble("p99"));
        assertThat(latency.getDouble("p99")).isLessThanOrEqualTo(latency.getDouble("max"));
        JsonObject replies = summary.getJsonObject("replies");
        assertThat(replies.getLong("end-of-data 250")).isEqualTo(300);
        assertThat(replies.getLong("rcpt 250")).isEqualTo(600);
        assertThat(replies.getLong("mail 250")).isEqualTo(300);
    }

    @Test
    void sinkCommand_countsWhatBenchSends_withoutPipelining_andTempfailsAsAsked() throws Exception {
        int port = freePort();
        CompletableFuture<CliRun> sink = CompletableFuture.supplyAsync(() -> CliRun.run("sink", "--listen",
                "127.0.0.1:" + port, "--count", "40", "--quiet", "--duration", "60s"));
        Thread.sleep(1000); // the sink binds; bench's connections would be refused before
        CliRun bench = CliRun.run("bench", "--target", "127.0.0.1:" + port, "--messages", "40", "--concurrency", "2",
                "--no-pipelining");
        CliRun summary = sink.get(60, TimeUnit.SECONDS);

        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.out()).containsPattern("accepted\\s+40\n").containsPattern("reply end-of-data 250\\s+40\n")
                .contains("accept msg/s").contains("latency ms (250 after data) p99");
        assertThat(summary.exitCode()).as(summary.toString()).isZero();
        assertThat(summary.out()).containsPattern("messages\\s+40\n").containsPattern("recipients\\s+40\n");

        int limitedPort = freePort();
        CompletableFuture<CliRun> limited = CompletableFuture.supplyAsync(() -> CliRun.run("sink", "--listen",
                "127.0.0.1:" + limitedPort, "--max-connections", "1", "--delay", "20ms", "--quiet", "--count", "20",
                "--duration", "60s"));
        Thread.sleep(1000);
        CliRun oneConnection = CliRun.run("bench", "--target", "127.0.0.1:" + limitedPort, "--messages", "20",
                "--concurrency", "2", "--json");
        JsonObject o = new JsonObject(oneConnection.out());
        assertThat(o.getLong("accepted")).as(oneConnection.toString()).isEqualTo(20);
        assertThat(o.getLong("errors")).isEqualTo(1); // the second connection's 421 greeting
        assertThat(limited.get(60, TimeUnit.SECONDS).out()).containsPattern("refused connections\\s+1\n")
                .containsPattern("messages\\s+20\n");

        int tempfailPort = freePort();
        CompletableFuture<CliRun> failing = CompletableFuture.supplyAsync(() -> CliRun.run("sink", "--listen",
                "127.0.0.1:" + tempfailPort, "--tempfail-rate", "1", "--quiet", "--duration", "5s"));
        Thread.sleep(1000);
        CliRun refused = CliRun.run("bench", "--target", "127.0.0.1:" + tempfailPort, "--messages", "10",
                "--concurrency", "1", "--json");
        assertThat(refused.exitCode()).isEqualTo(1); // nothing accepted
        JsonObject r = new JsonObject(refused.out());
        assertThat(r.getLong("failed")).isEqualTo(10);
        assertThat(r.getJsonObject("replies").getLong("rcpt 451")).isEqualTo(10);
        assertThat(failing.get(30, TimeUnit.SECONDS).out()).containsPattern("rcpt 451 \\(tempfail\\)\\s+10\n");
    }
}
