package io.hermod.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code queue-scale} (issue 11): what a long queue costs. Starts Hermod in a child JVM whose next
 * hop is down, loads N messages of 1 KB (one recipient each, over 2000 domains) through SMTP, and
 * reports the accept rate (overall, first and last 10 %), the live heap after a full GC against the
 * same figure with an empty queue, RSS and the spool's size on disk; then SIGKILLs it, starts it again
 * on the same spool and reports the seconds until SMTP greets and until the queue counts are
 * complete, and the heap after recovery; then starts a sink on the next hop, resumes the site (lifting
 * the backoff the refused connections left; not with --flush-only), flushes every domain and reports
 * the drain rate until the queue is empty. Not a test. Run (bench/queue-scale.sh builds first):
 * <pre>
 * java -cp target/test-classes:target/hermod.jar io.hermod.bench.QueueScale 100000 [--heap 1g] [--size 1k]
 *     [--domains 2000] [--sessions 50] [--per-session 100] [--timeout 900] [--load-limit S] [--keep] [--skip-drain]
 *     [--flush-only]
 * </pre>
 */
public final class QueueScale {

    private static final Pattern LISTENING = Pattern.compile("hermod: smtp listening on");
    private static final Pattern SINK_LISTENING = Pattern.compile("hermod sink: listening on");

    private final ScaleOptions options;
    private final Path dir;
    private final Path config;
    private final int smtpPort;
    private final int httpPort;
    private final int hopPort;
    private final List<ChildJvm> children = new ArrayList<>();
    private final ScaleReport report;

    private QueueScale(ScaleOptions options) throws IOException {
        this.options = options;
        this.dir = Files.createTempDirectory("hermod-queue-scale-");
        int[] ports = freePorts(3);
        this.smtpPort = ports[0];
        this.httpPort = ports[1];
        this.hopPort = ports[2];
        this.config = dir.resolve("hermod.yaml");
        Files.writeString(config, """
                hostname: queue-scale.bench
                smtp:
                  listen: ["127.0.0.1:%d"]
                  max_connections_per_ip: %d
                http:
                  listen: "127.0.0.1:%d"
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:%d"}
                """.formatted(smtpPort, Math.max(100, options.sessions() + 10), httpPort, dir.resolve("spool"),
                dir.resolve("events.log"), hopPort));
        this.report = new ScaleReport(options);
    }

    public static void main(String[] args) {
        ScaleOptions options;
        try {
            options = ScaleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("queue-scale: " + e.getMessage());
            System.err.println(ScaleOptions.USAGE);
            System.exit(2);
            return;
        }
        QueueScale bench;
        try {
            bench = new QueueScale(options);
        } catch (IOException e) {
            System.err.println("queue-scale: cannot prepare the run directory: " + e);
            System.exit(1);
            return;
        }
        // Ctrl-C or SIGTERM: the children go too, and what was measured so far is printed.
        Thread hook = new Thread(() -> {
            bench.stopChildren();
            bench.report.printPartial();
        }, "queue-scale-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = 0;
        try {
            bench.run();
        } catch (Throwable e) {
            Throwable shown = e.getCause() != null && !(e instanceof BenchFailure) ? e.getCause() : e;
            System.err.println("queue-scale: FAILED: " + shown.getMessage());
            System.err.println("queue-scale: run directory " + bench.dir + " (kept)");
            bench.report.printPartial();
            status = 1;
        } finally {
            bench.stopChildren();
            if (status == 0 && !options.keep()) {
                deleteTree(bench.dir);
            } else if (status == 0) {
                System.out.println("queue-scale: run directory kept: " + bench.dir);
            }
        }
        System.exit(status);
    }

    private void run() throws Exception {
        log("N=%d size=%dB domains=%d sessions=%d heap=%s dir=%s smtp=%d http=%d next hop=127.0.0.1:%d (down)",
                options.n(), options.size(), options.domains(), options.sessions(), options.heap(), dir, smtpPort,
                httpPort, hopPort);
        report.put("load_at_start", "load average at start", loadAverage());

        long t0 = System.nanoTime();
        ChildJvm hermod = startHermod("hermod-1");
        hermod.awaitLine(LISTENING, 120, "the first start");
        report.seconds("start_empty_s", "start with an empty spool to SMTP listening", since(t0));
        long heapEmpty = hermod.heapUsedAfterFullGc();
        report.mib("heap_empty_mib", "live heap, empty queue", heapEmpty);
        report.mib("rss_empty_mib", "RSS, empty queue", hermod.rssBytes());

        ScaleLoad.Result load = load(hermod);
        report.count("accepted", "messages accepted", load.accepted());
        if (load.accepted() < options.n()) {
            report.put("load_limited", "load stopped by --load-limit", "true");
        }
        report.rate("accept_msg_s", "accept rate, all", load.rate());
        report.rate("accept_first10_msg_s", "accept rate, first 10 % (queue nearly empty)", load.firstTenthRate());
        report.rate("accept_last10_msg_s", "accept rate, last 10 % (90 % already queued)", load.lastTenthRate());
        report.seconds("load_s", "load time", load.seconds());
        if (load.failed() > 0 || load.tempFailures() > 0 || load.ioErrors() > 0) {
            report.put("load_errors", "refused / 4xx answers / connection errors",
                    load.failed() + " / " + load.tempFailures() + " / " + load.ioErrors());
        }
        hermod.checkAlive("the load");
        QueueApi api = new QueueApi(httpPort);
        QueueApi.Totals loaded = api.totals();
        report.put("queued_after_load", "queue after the load (ready/scheduled/in flight, messages)", describe(loaded));
        long heapLoaded = hermod.heapUsedAfterFullGc();
        report.mib("heap_loaded_mib", "live heap, N queued", heapLoaded);
        report.mib("heap_delta_mib", "live heap, N queued minus empty", heapLoaded - heapEmpty);
        report.put("heap_per_msg_bytes", "live heap per queued message (bytes)",
                Long.toString(Math.round((heapLoaded - heapEmpty) / (double) Math.max(1, load.accepted()))));
        report.mib("rss_loaded_mib", "RSS, N queued", hermod.rssBytes());
        report.mib("spool_mib", "spool on disk", treeSize(dir.resolve("spool")));

        hermod.kill9();
        log("SIGKILL sent; starting again on the same spool");
        recover(api, load.accepted());

        if (options.skipDrain()) {
            report.put("drain", "drain", "skipped (--skip-drain)");
        } else {
            drain(api, load.accepted());
        }
        report.put("load_at_end", "load average at end", loadAverage());
        report.print();
    }

    private ScaleLoad.Result load(ChildJvm hermod) throws InterruptedException {
        ScaleLoad load = new ScaleLoad("127.0.0.1", smtpPort, options.n(), options.size(), options.domains(),
                options.sessions(), options.perSession(), () -> hermod.checkAlive("the load"));
        Thread progress = new Thread(() -> {
            long limit = options.loadLimitSeconds() > 0 ? System.nanoTime() + options.loadLimitSeconds() * 1_000_000_000L : 0;
            int last = 0;
            long lastNanos = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(10_000);
                    int now = load.accepted();
                    long nanos = System.nanoTime();
                    log("load: %d of %d accepted, %.0f msg/s over the last 10 s, hermod RSS %.0f MiB", now, options.n(),
                            (now - last) / ((nanos - lastNanos) / 1e9), hermod.rssBytes() / 1048576.0);
                    last = now;
                    lastNanos = nanos;
                    if (limit != 0 && nanos > limit) {
                        log("load: --load-limit %d s reached, stopping at %d accepted", options.loadLimitSeconds(), now);
                        load.stop();
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    log("load: (progress: %s)", e.getMessage());
                }
            }
        }, "queue-scale-progress");
        progress.setDaemon(true);
        progress.start();
        try {
            ScaleLoad.Result result = load.run();
            log("load: %d accepted in %.1f s, %.0f msg/s", result.accepted(), result.seconds(), result.rate());
            return result;
        } finally {
            progress.interrupt();
        }
    }

    /** Restart on the spool: seconds until a 220, until the counts are complete; heap after recovery. */
    private void recover(QueueApi api, int expected) throws Exception {
        long t0 = System.nanoTime();
        ChildJvm hermod = startHermod("hermod-2");
        double smtpSeconds = -1;
        double apiSeconds = -1;
        double completeSeconds = -1;
        long lastPoll = 0;
        long lastLog = System.nanoTime();
        QueueApi.Totals totals = null;
        long deadline = t0 + options.timeoutSeconds() * 1_000_000_000L;
        while (completeSeconds < 0) {
            hermod.checkAlive("recovery");
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("queue counts not complete " + options.timeoutSeconds() + " s after the restart"
                        + " (SMTP " + (smtpSeconds < 0 ? "not answering" : "answering after " + fmt(smtpSeconds) + " s")
                        + "; last totals " + (totals == null ? "none, API not answering" : describe(totals))
                        + "; expected " + expected + ")");
            }
            if (smtpSeconds < 0 && greets()) {
                smtpSeconds = since(t0);
                log("restart: SMTP greets after %.2f s", smtpSeconds);
            }
            if (System.nanoTime() - lastPoll > 250_000_000L) {
                lastPoll = System.nanoTime();
                totals = api.totalsOrNull();
                if (totals != null && apiSeconds < 0) {
                    apiSeconds = since(t0);
                }
                if (totals != null && totals.recovered() && totals.deliveries() >= expected) {
                    completeSeconds = since(t0);
                    if (totals.deliveries() != expected || totals.messages() != expected) {
                        log("restart: WARNING counts %s, expected %d", describe(totals), expected);
                    }
                }
            }
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                lastLog = System.nanoTime();
                log("restart: %.0f s, %s", since(t0), totals == null ? "API not answering" : describe(totals));
            }
            Thread.sleep(smtpSeconds < 0 ? 20 : 100);
        }
        log("restart: counts complete after %.2f s: %s", completeSeconds, describe(totals));
        report.seconds("restart_smtp_s", "restart to SMTP 220", smtpSeconds);
        report.seconds("restart_api_s", "restart to API answering", apiSeconds);
        report.seconds("restart_counts_s", "restart to counts complete", completeSeconds);
        report.put("recovered_flag", "API has the \"recovered\" flag", Boolean.toString(totals.hasRecoveredFlag()));
        long heap = hermod.heapUsedAfterFullGc();
        report.mib("heap_recovered_mib", "live heap after recovery", heap);
        report.mib("heap_recovered_delta_mib", "live heap after recovery minus empty", heap - report.bytes("heap_empty_mib"));
        report.mib("rss_recovered_mib", "RSS after recovery", hermod.rssBytes());
    }

    /** Sink on the next hop, the site resumed, every domain flushed; the queue sampled until it is empty. */
    private void drain(QueueApi api, int expected) throws Exception {
        ChildJvm hermod = children.get(children.size() - 1);
        ChildJvm sink = start("sink", List.of("-Xmx256m"), List.of("sink", "--listen", "127.0.0.1:" + hopPort));
        sink.awaitLine(SINK_LISTENING, 60, "the sink's start");
        new QueueDrain(options, api, hermod, sink, new SinkCounter(dir.resolve("sink.out")), report).run(expected);
    }

    private ChildJvm startHermod(String name) throws IOException {
        return start(name, List.of("-Xmx" + options.heap(), "-XX:+ExitOnOutOfMemoryError"), List.of("--config", config.toString()));
    }

    private synchronized ChildJvm start(String name, List<String> jvmOptions, List<String> args) throws IOException {
        ChildJvm child = ChildJvm.start(name, dir, jvmOptions, args);
        children.add(child);
        log("started %s, pid %d (output in %s)", name, child.pid(), dir.resolve(name + ".out"));
        return child;
    }

    private synchronized void stopChildren() {
        for (ChildJvm child : children) {
            try {
                child.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True when a connection to the SMTP port gets a 220 greeting. */
    private boolean greets() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(4);
            boolean ok = new String(first, StandardCharsets.US_ASCII).startsWith("220");
            s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return ok;
        } catch (IOException e) {
            return false;
        }
    }

    static String describe(QueueApi.Totals t) {
        return t.ready() + "/" + t.scheduled() + "/" + t.inFlight() + ", " + t.messages() + " messages, "
                + t.domains() + " domains" + (t.hasRecoveredFlag() ? ", recovered=" + t.recovered() : "");
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    static long treeSize(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a RocksDB file removed by a compaction meanwhile
                }
            }).sum();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("queue-scale: cannot delete " + root + ": " + e.getMessage());
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    static void log(String format, Object... args) {
        System.out.println(Instant.now().toString().substring(11, 19) + " queue-scale: "
                + String.format(Locale.ROOT, format, args));
    }
}
