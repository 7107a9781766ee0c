package io.hermod.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hermod top}: a live view of one Hermod from {@code /metrics} and {@code /api/v1/queues}:
 * acceptance and delivery rates, the queue, the busiest domains and the reply codes of the last
 * interval. Redraws every {@code --interval} until interrupted; {@code --once} prints one frame
 * (two samples an interval apart) and exits.
 */
@Command(name = "top", mixinStandardHelpOptions = true, description = "Live view: rates, queue, top domains, reply codes.")
final class TopCommand implements Callable<Integer> {

    private static final String CLEAR = "\033[H\033[2J";

    private final Cli.Io io;

    @Mixin
    ApiClient.Options api = new ApiClient.Options();

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between samples (default ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "--once", description = "print one frame and exit")
    boolean once;

    @Option(names = "--domains", paramLabel = "N", defaultValue = "10", description = "domains shown (default ${DEFAULT-VALUE})")
    int domains;

    TopCommand(Cli.Io io) {
        this.io = io;
    }

    /** One look at Hermod. */
    record Sample(Instant time, PrometheusText metrics, JsonObject queues) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (interval < 0.1 || interval > 3600) {
            throw new Cli.CommandFailure(Cli.USAGE, "top: --interval: between 0.1 and 3600 seconds, got " + interval);
        }
        ApiClient client = new ApiClient(api, io);
        long pause = Math.round(interval * 1000);
        Sample previous = sample(client);
        while (true) {
            Thread.sleep(pause);
            Sample current = sample(client);
            String frame = frame(previous, current, api.url, domains);
            io.out().print(once ? frame : CLEAR + frame);
            io.out().flush();
            if (once) {
                return 0;
            }
            previous = current;
        }
    }

    private static Sample sample(ApiClient client) {
        return new Sample(Instant.now(), PrometheusText.parse(client.text("/metrics")), client.get("/api/v1/queues"));
    }

    /** One frame from two samples: rates over the time between them. A pure function, for tests. */
    static String frame(Sample before, Sample after, String url, int topDomains) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        double seconds = Math.max(0.001, Duration.between(before.time(), after.time()).toMillis() / 1000.0);
        PrometheusText a = before.metrics();
        PrometheusText b = after.metrics();
        out.println("hermod top  " + url + "  " + after.time().toString().replaceFirst("\\.\\d+Z$", "Z")
                + String.format(Locale.ROOT, "  (rates over %.1f s)", seconds));
        out.println();
        double accepted = rate(a, b, "hermod_intake_messages_total", "result", "accepted", seconds);
        out.printf(Locale.ROOT, "accepted   %10.1f msg/s   total %,.0f%n", accepted,
                b.sum("hermod_intake_messages_total", l -> "accepted".equals(l.get("result"))));
        Map<String, Double> attempts = rates(a, b, "hermod_delivery_attempts_total", "result", seconds);
        StringBuilder line = new StringBuilder("attempts  ");
        if (attempts.isEmpty()) {
            line.append("         -");
        }
        attempts.forEach((result, r) -> line.append(String.format(Locale.ROOT, "  %s %.1f/s", result, r)));
        out.println(line);
        JsonObject totals = after.queues().getJsonObject("totals", new JsonObject());
        out.printf(Locale.ROOT, "queue      %10d messages: %d ready, %d scheduled, %d in flight%n",
                totals.getInteger("messages", 0), totals.getInteger("ready", 0), totals.getInteger("scheduled", 0),
                totals.getInteger("in_flight", 0));
        out.printf(Locale.ROOT, "connections  in %.0f, out %.0f%n", b.sum("hermod_inbound_connections"),
                b.sum("hermod_outbound_connections"));
        out.println();

        Table table = new Table("DOMAIN", "READY", "SCHEDULED", "IN-FLIGHT", "SUSPENDED", "OLDEST");
        List<JsonObject> domains = new ArrayList<>();
        JsonArray list = after.queues().getJsonArray("domains", new JsonArray());
        for (int i = 0; i < list.size(); i++) {
            domains.add(list.getJsonObject(i));
        }
        domains.sort(Comparator.comparingInt(TopCommand::size).reversed().thenComparing(d -> d.getString("domain")));
        for (JsonObject d : domains.subList(0, Math.min(topDomains, domains.size()))) {
            table.row(d.getString("domain"), d.getValue("ready"), d.getValue("scheduled"), d.getValue("in_flight"),
                    Boolean.TRUE.equals(d.getBoolean("suspended")) ? "yes" : "no",
                    Table.age(d.getLong("oldest_age_seconds", 0L)));
        }
        table.print(out);
        if (domains.size() > topDomains) {
            out.println("... and " + (domains.size() - topDomains) + " more domains");
        }
        out.println();
        out.println("reply codes (per second)");
        out.println("  intake    " + codes(rates(a, b, "hermod_intake_replies_total", "code", seconds)));
        out.println("  delivery  " + codes(rates(a, b, "hermod_delivery_replies_total", "code", seconds)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int size(JsonObject d) {
        return d.getInteger("ready", 0) + d.getInteger("scheduled", 0) + d.getInteger("in_flight", 0);
    }

    private static String codes(Map<String, Double> rates) {
        if (rates.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        rates.forEach((code, r) -> s.append(String.format(Locale.ROOT, "%s: %.1f  ", code, r)));
        return s.toString().stripTrailing();
    }

    private static double rate(PrometheusText a, PrometheusText b, String name, String label, String value,
                               double seconds) {
        double delta = b.sum(name, l -> value.equals(l.get(label))) - a.sum(name, l -> value.equals(l.get(label)));
        return Math.max(0, delta) / seconds;
    }

    /** Per label value, sorted; only values seen in the later sample. */
    private static Map<String, Double> rates(PrometheusText a, PrometheusText b, String name, String label,
                                             double seconds) {
        Map<String, Double> before = a.byLabel(name, label);
        Map<String, Double> out = new TreeMap<>();
        b.byLabel(name, label).forEach((v, total) -> out.put(v, Math.max(0, total - before.getOrDefault(v, 0.0)) / seconds));
        return out;
    }
}
