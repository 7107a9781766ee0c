package io.hermod.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hermod bench}: an SMTP (or HTTP batch) load generator with a summary table: accepted
 * msg/s, end-to-end msg/s when it runs its own sink ({@code --sink-port}: Hermod must route the
 * bench domains there), the latency of the accepting reply (p50/p90/p99/max), and every reply code
 * by stage. A progress bar on a terminal.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load generator (SMTP, or HTTP batch injection) with a summary table.")
final class BenchCommand implements Callable<Integer> {

    private final Cli.Io io;

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2525",
            description = "SMTP address to load (default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "20",
            description = "connections (or HTTP requests) at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--messages", paramLabel = "N", description = "messages to send (default 10000 unless --duration)")
    Long messages;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "send for this long instead (e.g. 30s)")
    Duration duration;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "2k", converter = Units.SizeConverter.class,
            description = "message size (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--recipients", paramLabel = "N", defaultValue = "1", description = "recipients per message")
    int recipients;

    @Option(names = "--domain", paramLabel = "DOMAIN[:WEIGHT]",
            description = "recipient domain with a weight, repeatable (default bench.example)")
    List<String> domains = new ArrayList<>();

    @Option(names = "--pipelining", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "pipeline MAIL, RCPT and DATA (default on; --no-pipelining)")
    boolean pipelining;

    @Option(names = "--sender", paramLabel = "ADDRESS", defaultValue = "bench@bench.hermod.test")
    String sender;

    @Option(names = "--http", description = "inject over HTTP (POST /api/v1/inject) instead of SMTP")
    boolean http;

    @Option(names = "--url", paramLabel = "URL", defaultValue = ApiClient.DEFAULT_URL,
            description = "HTTP API for --http (default ${DEFAULT-VALUE}); token from HERMOD_TOKEN or --token")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN")
    String token;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "recipients per HTTP request with --http (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--sink-port", paramLabel = "PORT",
            description = "run a sink on 127.0.0.1:PORT and measure end to end (route Hermod's mail there)")
    Integer sinkPort;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "120s",
            converter = Units.DurationConverter.class,
            description = "how long to wait for the sink to receive everything accepted (default ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    BenchCommand(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        check();
        SmtpLoad.Recipients to = recipients(domains.isEmpty() ? List.of("bench.example") : domains);
        long total = messages != null ? messages : duration == null ? 10_000 : 0;
        long deadline = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        LoadStats stats = new LoadStats();
        SinkServer sink = null;
        try {
            if (sinkPort != null) {
                sink = new SinkServer(vertx, new SinkServer.Behaviour(true, 0, 0, 0, 10_000));
                try {
                    sink.listen("127.0.0.1", sinkPort).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new Cli.CommandFailure(Cli.FAILED, "bench: --sink-port " + sinkPort + ": " + cause.getMessage());
                }
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Thread progress = progress(stats, total, running);
            long start = System.nanoTime();
            if (http) {
                String apiToken = token != null ? token : io.env().get("HERMOD_TOKEN");
                new HttpLoad(new HttpLoad.Plan(url.replaceAll("/+$", ""), apiToken, concurrency, total, deadline, size,
                        batch, to, sender), stats).run();
            } else {
                Units.Address address = Units.Address.parse(target, "bench: --target");
                new SmtpLoad(vertx, new SmtpLoad.Plan(address.host(), address.port(), concurrency, total, deadline, size,
                        recipients, to, pipelining, sender), stats).run().toCompletionStage().toCompletableFuture().get();
            }
            long acceptEnd = System.nanoTime();
            running.set(false);
            progress.join();
            double endToEnd = -1;
            long received = 0;
            if (sink != null) {
                long expected = stats.acceptedRecipients.sum();
                long until = System.nanoTime() + drainTimeout.toNanos();
                while (sink.counts().recipients.sum() < expected && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                received = sink.counts().recipients.sum();
                long last = sink.counts().lastNanos;
                if (received > 0 && last > start) {
                    endToEnd = (received / (double) Math.max(1, http ? 1 : recipients)) / ((last - start) / 1e9);
                }
            }
            print(stats, (acceptEnd - start) / 1e9, endToEnd, received, sink != null);
            return stats.accepted.sum() > 0 ? 0 : Cli.FAILED;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private void check() {
        if (concurrency < 1 || concurrency > 10_000) {
            throw new Cli.CommandFailure(Cli.USAGE, "bench: --concurrency: 1..10000, got " + concurrency);
        }
        if (messages != null && duration != null) {
            throw new Cli.CommandFailure(Cli.USAGE, "bench: --messages, --duration: give one of them");
        }
        if (messages != null && messages < 1) {
            throw new Cli.CommandFailure(Cli.USAGE, "bench: --messages: at least 1, got " + messages);
        }
        if (recipients < 1 || recipients > 1000) {
            throw new Cli.CommandFailure(Cli.USAGE, "bench: --recipients: 1..1000, got " + recipients);
        }
        if (batch < 1) {
            throw new Cli.CommandFailure(Cli.USAGE, "bench: --batch: at least 1, got " + batch);
        }
    }

    /** Weighted random domains; {@code user<n>@domain}. */
    static SmtpLoad.Recipients recipients(List<String> specs) {
        List<String> names = new ArrayList<>();
        double[] cumulative = new double[specs.size()];
        double sum = 0;
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            int colon = spec.lastIndexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            double weight = 1;
            if (colon >= 0) {
                try {
                    weight = Double.parseDouble(spec.substring(colon + 1));
                } catch (NumberFormatException e) {
                    weight = -1;
                }
            }
            if (weight <= 0 || name.isEmpty() || !name.matches("[A-Za-z0-9.-]+")) {
                throw new Cli.CommandFailure(Cli.USAGE, "bench: --domain: DOMAIN or DOMAIN:WEIGHT (a positive number),"
                        + " got " + spec);
            }
            names.add(name);
            sum += weight;
            cumulative[i] = sum;
        }
        double total = sum;
        AtomicLong n = new AtomicLong();
        return () -> {
            double dice = ThreadLocalRandom.current().nextDouble() * total;
            int i = 0;
            while (i < cumulative.length - 1 && dice >= cumulative[i]) {
                i++;
            }
            return "user" + n.incrementAndGet() + "@" + names.get(i);
        };
    }

    /** A progress bar when standard output is a terminal (and not for --json); else nothing. */
    private Thread progress(LoadStats stats, long total, AtomicBoolean running) {
        boolean terminal = System.console() != null && !json;
        Thread t = new Thread(() -> {
            if (!terminal) {
                return;
            }
            long max = total > 0 ? total : duration.toSeconds();
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(max)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(total > 0 ? " msg" : " s", 1).build()) {
                long begin = System.nanoTime();
                while (running.get()) {
                    long done = stats.accepted.sum() + stats.failed.sum();
                    bar.stepTo(total > 0 ? Math.min(done, max) : Math.min(max, (System.nanoTime() - begin) / 1_000_000_000L));
                    bar.setExtraMessage(stats.accepted.sum() + " accepted");
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                bar.stepTo(total > 0 ? Math.min(stats.accepted.sum() + stats.failed.sum(), max) : max);
            }
        }, "bench-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void print(LoadStats stats, double seconds, double endToEnd, long received, boolean ownSink) {
        long accepted = stats.accepted.sum();
        double[] p = stats.percentiles();
        double rate = seconds > 0 ? accepted / seconds : 0;
        Map<String, Long> replies = stats.replies();
        if (json) {
            JsonObject codes = new JsonObject();
            replies.forEach(codes::put);
            JsonObject out = new JsonObject().put("mode", http ? "http" : "smtp").put("accepted", accepted)
                    .put("failed", stats.failed.sum()).put("seconds", seconds).put("accept_msg_per_s", rate)
                    .put("latency_ms", new JsonObject().put("p50", p[0]).put("p90", p[1]).put("p99", p[2]).put("max", p[3])
                            .put("measured", stats.measured()))
                    .put("replies", codes).put("errors", stats.connectionErrors.sum());
            if (ownSink) {
                out.put("sink_recipients", received).put("e2e_msg_per_s", endToEnd < 0 ? null : endToEnd);
            }
            io.out().println(out.encodePrettily());
            return;
        }
        Table table = new Table("BENCH", "VALUE");
        table.row("mode", http ? "http batch " + batch + " -> " + url : "smtp -> " + target
                + (pipelining ? " (pipelining)" : ""));
        table.row("concurrency", concurrency);
        table.row("size", size);
        table.row("accepted", accepted);
        table.row("failed", stats.failed.sum());
        table.row("seconds", String.format(Locale.ROOT, "%.2f", seconds));
        table.row("accept msg/s", String.format(Locale.ROOT, "%.1f", rate));
        if (ownSink) {
            table.row("sink recipients", received);
            table.row("e2e msg/s", endToEnd < 0 ? "-" : String.format(Locale.ROOT, "%.1f", endToEnd));
        }
        String what = http ? "latency ms (request)" : "latency ms (250 after data)";
        table.row(what + " p50", String.format(Locale.ROOT, "%.2f", p[0]));
        table.row(what + " p90", String.format(Locale.ROOT, "%.2f", p[1]));
        table.row(what + " p99", String.format(Locale.ROOT, "%.2f", p[2]));
        table.row(what + " max", String.format(Locale.ROOT, "%.2f", p[3]));
        replies.forEach((stageCode, count) -> table.row("reply " + stageCode, count));
        if (stats.connectionErrors.sum() > 0) {
            table.row("connection errors", stats.connectionErrors.sum());
            table.row("last error", stats.lastError());
        }
        table.print(io.out());
    }
}
