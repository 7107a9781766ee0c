package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hermod.support.PrometheusServer;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of {@code grafana/dashboards/hermod.json} parses and returns data from a real
 * Prometheus scraping a running Hermod that has delivered, deferred (451) and bounced (550) mail;
 * every metric a query names is one that {@code /metrics} exports. Runs only where the
 * {@code prometheus} binary is on PATH ({@code .ci/run} installs Debian's package).
 */
@Tag("prometheus")
class DashboardIT {

    private static final Path DASHBOARD = Path.of(System.getProperty("basedir", "."), "grafana/dashboards/hermod.json");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Windows that hold many 1 s scrapes, so rate() has at least two samples. */
    private static final String RATE_INTERVAL = "1m";
    /**
     * Counters created at their first increment (HermodMetrics), which a healthy test run never
     * makes; the dashboard queries them with {@code or vector(0)}.
     */
    /** Meters that may legitimately be absent from /metrics (none: every hermod_ counter starts at zero). */
    private static final Set<String> CREATED_ON_FAILURE = Set.of();
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)]");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*(\\w+)\\s*\\)");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private TestSink sink;
    private Hermod hermod;
    private PrometheusServer prometheus;

    @BeforeEach
    void requirePrometheus() {
        assumeTrue(PrometheusServer.binary().isPresent(),
                "prometheus is not on PATH: install Debian's package (apt-get install prometheus), as .ci/run does");
    }

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (hermod != null) {
            hermod.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void everyDashboardQuery_returnsDataFromPrometheusScrapingHermod() throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
        List<String> exprs = new ArrayList<>();
        collectExprs(dashboard.getJsonArray("panels"), exprs);
        assertDashboardShape(dashboard, exprs);

        sink = TestSink.start(true);
        hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
        // Every series the queries name exists before the first scrape: rate() needs two samples.
        send("ok-1@far.test", "ok-2@far.test", "reject-1@far.test", "tempfail-1@far.test");
        send("ok-3@near.test");
        awaitMetrics("hermod_delivery_attempts_total\\{[^}]*result=\"delivered\"",
                "hermod_delivery_attempts_total\\{[^}]*result=\"failed\"",
                "hermod_delivery_attempts_total\\{[^}]*result=\"deferred\"");

        prometheus = PrometheusServer.start(dir.resolve("prometheus"), "127.0.0.1:" + hermod.httpPort());
        String instance = prometheus.awaitScrapes(2, TIMEOUT);
        // More mail while Prometheus watches, so rates and quantiles are numbers, not zeros and NaN.
        double delivered = delivered();
        send("ok-4@far.test", "ok-5@near.test");
        awaitDelivered(delivered + 2);

        Set<String> exported = exportedNames(scrape());
        List<String> failures = new ArrayList<>();
        for (String expr : exprs) {
            String promql = substitute(expr, instance);
            Set<String> unknown = new TreeSet<>(metricNames(promql));
            unknown.removeAll(exported);
            unknown.removeAll(CREATED_ON_FAILURE);
            if (!unknown.isEmpty()) {
                failures.add(expr + "\n    names metrics /metrics does not export: " + unknown);
            }
            JsonObject answer = prometheus.query(promql);
            JsonArray result = PrometheusServer.result(answer);
            if (result == null) {
                failures.add(expr + "\n    " + answer.getString("errorType") + ": " + answer.getString("error"));
            } else if (result.isEmpty()) {
                failures.add(expr + "\n    returned no data");
            }
        }
        failures.addAll(checkVariables(dashboard, exported, instance));
        assertThat(failures).as("%d problems in %d dashboard queries", failures.size(), exprs.size()).isEmpty();
        System.out.println("DashboardIT: " + exprs.size() + " dashboard expressions returned data");
    }

    /** Uid, schema, unique panel ids, a datasource on every panel and query, $__rate_interval windows. */
    private static void assertDashboardShape(JsonObject dashboard, List<String> exprs) {
        assertThat(dashboard.getString("uid")).isEqualTo("hermod");
        assertThat(dashboard.getInteger("schemaVersion")).isEqualTo(39);
        List<JsonObject> panels = new ArrayList<>();
        collectPanels(dashboard.getJsonArray("panels"), panels);
        Set<Integer> ids = new HashSet<>();
        for (JsonObject panel : panels) {
            String name = "panel " + panel.getValue("id") + " \"" + panel.getString("title") + "\"";
            assertThat(panel.getInteger("id")).as(name + " id").isNotNull();
            assertThat(ids.add(panel.getInteger("id"))).as(name + " has a unique id").isTrue();
            if (!"row".equals(panel.getString("type"))) {
                assertThat(panel.getJsonObject("datasource")).as(name + " datasource").isNotNull();
                assertThat(panel.getJsonObject("datasource").getString("uid")).as(name + " datasource").isEqualTo("${datasource}");
                assertThat(panel.getJsonArray("targets", new JsonArray())).as(name + " targets").isNotEmpty();
                for (Object target : panel.getJsonArray("targets")) {
                    assertThat(((JsonObject) target).getJsonObject("datasource")).as(name + " target datasource").isNotNull();
                }
            }
        }
        assertThat(exprs).as("dashboard expressions").isNotEmpty();
        for (String expr : exprs) {
            Matcher range = RANGE.matcher(expr);
            while (range.find()) {
                assertThat(range.group(1)).as("range in " + expr).isEqualTo("$__rate_interval");
            }
            // $instance is multi-valued with "All" = .*, so it only works inside a regex matcher
            assertThat(expr.replace("instance=~\"$instance\"", "")).as(expr).doesNotContain("$instance", "${instance}");
        }
    }

    /** The instance variable's label_values() query: its metric is exported and carries the label. */
    private List<String> checkVariables(JsonObject dashboard, Set<String> exported, String instance) throws Exception {
        List<String> failures = new ArrayList<>();
        for (Object o : dashboard.getJsonObject("templating").getJsonArray("list")) {
            JsonObject variable = (JsonObject) o;
            if (!"query".equals(variable.getString("type"))) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(variable.getString("definition", ""));
            if (!m.find()) {
                failures.add("variable " + variable.getString("name") + ": no label_values(metric, label) query");
                continue;
            }
            JsonArray result = PrometheusServer.result(prometheus.query(m.group(1)));
            boolean found = exported.contains(m.group(1)) && result != null && result.stream()
                    .anyMatch(r -> instance.equals(((JsonObject) r).getJsonObject("metric").getString(m.group(2))));
            if (!found) {
                failures.add("variable " + variable.getString("name") + ": " + m.group() + " does not list " + instance);
            }
        }
        return failures;
    }

    private static void collectPanels(JsonArray panels, List<JsonObject> into) {
        for (Object p : panels == null ? new JsonArray() : panels) {
            into.add((JsonObject) p);
            collectPanels(((JsonObject) p).getJsonArray("panels"), into);
        }
    }

    /** Every "expr" anywhere under the panels: targets of panels, of rows' nested panels, of anything. */
    private static void collectExprs(Object node, List<String> into) {
        if (node instanceof JsonObject object) {
            object.forEach(e -> {
                if ("expr".equals(e.getKey()) && e.getValue() instanceof String s) {
                    into.add(s);
                } else {
                    collectExprs(e.getValue(), into);
                }
            });
        } else if (node instanceof JsonArray array) {
            array.forEach(v -> collectExprs(v, into));
        }
    }

    private static String substitute(String expr, String instance) {
        // a regex inside a PromQL string: escape the dots, and the backslash for the string literal
        String regex = instance.replace(".", "\\\\.");
        return expr.replace("${__rate_interval}", RATE_INTERVAL).replace("$__rate_interval", RATE_INTERVAL)
                .replace("${instance}", regex).replace("$instance", regex);
    }

    /** Metric names in a PromQL expression: identifiers outside strings, matchers, ranges and label lists that are not calls or keywords. */
    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> keywords = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                "group_left", "group_right", "inf", "nan", "atan2", "start", "end");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (m.find()) {
            if (m.group(2) == null && !keywords.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Sample names in Prometheus text exposition (histograms contribute _bucket, _count, _sum). */
    private static Set<String> exportedNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private void send(String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
            SmtpTestClient.expect(client.greeting(), 220);
            SmtpTestClient.expect(client.command("EHLO client.test"), 250);
            byte[] data = "Subject: dashboard\r\n\r\nhello\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
            SmtpTestClient.expect(client.sendMail("sender@origin.test", List.of(recipients), data), 250);
            SmtpTestClient.expect(client.command("QUIT"), 221);
        }
    }

    private String scrape() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /metrics").isEqualTo(200);
        return response.body();
    }

    private void awaitMetrics(String... patterns) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = scrape();
            String current = text;
            if (List.of(patterns).stream().allMatch(p -> Pattern.compile(p).matcher(current).find())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/metrics lacks one of " + List.of(patterns) + " within " + TIMEOUT + ":\n" + text);
    }

    private double delivered() throws Exception {
        JsonArray result = PrometheusServer.result(prometheus.query("sum(hermod_delivery_attempts_total{result=\"delivered\"})"));
        return result == null || result.isEmpty() ? 0
                : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    private void awaitDelivered(double atLeast) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (delivered() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Prometheus saw " + delivered() + " deliveries, expected " + atLeast + "\n"
                        + prometheus.logTail());
            }
            Thread.sleep(200);
        }
    }
}
