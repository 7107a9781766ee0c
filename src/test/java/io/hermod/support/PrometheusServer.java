package io.hermod.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus, the {@code prometheus} binary on PATH, on a loopback port, scraping one target
 * every second: for tests that run PromQL against what Hermod exports. Its log goes to a file in
 * its directory and is quoted when it fails to start.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String JOB = "hermod";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** The {@code prometheus} executable on PATH, if any. */
    public static Optional<Path> binary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "prometheus");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts Prometheus in {@code dir} (config, TSDB and log) scraping {@code host:port}/metrics every second. */
    public static PrometheusServer start(Path dir, String target) throws IOException, InterruptedException {
        Path binary = binary().orElseThrow(() -> new IllegalStateException("prometheus is not on PATH"));
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["%s"]
                """.formatted(JOB, target));
        // The free port is found by binding and releasing it, so another process may take it first:
        // Prometheus then exits with "address already in use" and we try another.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path log = dir.resolve("prometheus-" + attempt + ".log");
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data-" + attempt),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, log, port);
            if (server.awaitReady()) {
                return server;
            }
            server.close();
            String text = server.logTail();
            if (attempt == 3 || !text.contains("address already in use")) {
                throw new IllegalStateException("prometheus did not become ready on port " + port + ":\n" + text);
            }
        }
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> response = get("/-/ready");
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Waits until the target is up and at least {@code scrapes} scrapes of it succeeded; returns its
     * {@code instance} label.
     */
    public String awaitScrapes(int scrapes, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited:\n" + logTail());
            }
            JsonObject target = activeTarget();
            state = target == null ? "no active target" : target.encode();
            if (target != null && "up".equals(target.getString("health"))) {
                JsonArray result = result(query("sum_over_time(up{job=\"" + JOB + "\"}[1m]) >= " + scrapes));
                if (result != null && !result.isEmpty()) {
                    return target.getJsonObject("labels").getString("instance");
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("target not scraped " + scrapes + " times within " + timeout + ": " + state);
    }

    private JsonObject activeTarget() throws IOException, InterruptedException {
        JsonObject body = new JsonObject(get("/api/v1/targets").body());
        JsonArray active = body.getJsonObject("data", new JsonObject()).getJsonArray("activeTargets", new JsonArray());
        return active.isEmpty() ? null : active.getJsonObject(0);
    }

    /** The API's whole answer to an instant query at now: {@code status}, {@code data} or {@code error}. */
    public JsonObject query(String promql) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/query"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build();
        return new JsonObject(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** {@code data.result} of a successful answer, else null. */
    public static JsonArray result(JsonObject answer) {
        if (!"success".equals(answer.getString("status"))) {
            return null;
        }
        return answer.getJsonObject("data").getJsonArray("result");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The last lines of Prometheus' log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
