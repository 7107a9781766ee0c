package io.hermod.bench;

import io.hermod.Hermod;
import io.hermod.config.ConfigLoader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Burst delivery: S SMTP sessions at once, each sending one message to R recipients of one domain
 * ({@code a<i>@d<i%D>.example}, {@code b<i>@d<i%D>.example}, …; D = 50 domains by default, so the
 * recipients land on different queue shards but share the {@code "*"} route), into an in-process
 * Hermod whose only route is a minimal SMTP sink on loopback that timestamps every message it
 * accepts. It measures how long the queue takes to push a burst out, not intake throughput
 * ({@link IntakeLoad} does that). Not a test, and nothing is asserted.
 *
 * <p>Phases of one run: the sink and Hermod start (fresh temp spool, {@code queue.shards} as given);
 * all S sessions connect and say EHLO; then, all at once, each sends MAIL, R × RCPT, DATA and the
 * message (request/response, no pipelining) and QUITs after the {@code 250}. Printed, one line per
 * run (starts with {@code BURST}, {@code key=value} fields, times in seconds):
 * <ul>
 *   <li>{@code deliver_s}: first {@code 250} after end-of-DATA → last delivery at the sink (the number);</li>
 *   <li>{@code intake_s}: release of the sessions → last {@code 250}; {@code accepted} the {@code 250}s;</li>
 *   <li>{@code sink_msgs} / {@code sink_rcpts}: transactions / recipients the sink received
 *       (one transaction per message here: all recipients of a message share a domain);</li>
 *   <li>{@code p50_s} / {@code p90_s} / {@code p99_s}: first {@code 250} → the 50 / 90 / 99 % delivery (per recipient);
 *       {@code first_s}: first {@code 250} → first delivery; {@code sink_conns} connections Hermod
 *       opened to the sink; {@code complete} whether every recipient arrived within the timeout;
 *       {@code events}: lines of Hermod's event log per {@code "type"} (deferrals show up here).</li>
 * </ul>
 * Run 1 of a JVM includes JIT warm-up; with RUNS &gt; 1 the later runs (each a fresh Hermod and
 * spool in the same JVM) are warm, and a {@code BURST-SUMMARY} line gives min/median/max of
 * {@code deliver_s}.
 *
 * <p>Uses only {@code ConfigLoader.parse(yaml, env)}, {@code Hermod.start(config)} and
 * {@code Hermod.smtpPort()} from Hermod, plus Vert.x: its own sink and client, no test support, so it
 * runs unchanged against other versions of the queue. Run from the project directory (the shaded
 * jar carries Hermod and all its dependencies; the test classes add this one):
 * <pre>
 * mvn -q -DskipTests package
 * java -cp target/test-classes:target/hermod.jar io.hermod.bench.BurstLoad \
 *     SESSIONS [RCPTS] [SHARDS] [RUNS] [DOMAINS] [TIMEOUT_S]
 * # e.g. 1000 sessions × 2 recipients, default shard count, 3 runs; then 1 shard:
 * java -cp target/test-classes:target/hermod.jar io.hermod.bench.BurstLoad 1000 2 auto 3
 * java -cp target/test-classes:target/hermod.jar io.hermod.bench.BurstLoad 1000 2 1 3
 * </pre>
 * Defaults: RCPTS 2, SHARDS {@code auto} (Hermod's default; otherwise a number written as
 * {@code queue.shards}), RUNS 1, DOMAINS 50, TIMEOUT_S 300 (per run, for the deliveries).
 * {@code smtp.max_connections} and {@code smtp.max_connections_per_ip} are raised to fit S; all other
 * settings are Hermod's defaults (event log on, in the temp directory).
 */
public final class BurstLoad {

    private BurstLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BurstLoad SESSIONS [RCPTS=2] [SHARDS=auto] [RUNS=1] [DOMAINS=50] [TIMEOUT_S=300]");
            System.exit(2);
        }
        int sessions = Integer.parseInt(args[0]);
        int rcpts = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String shards = args.length > 2 ? args[2] : "auto";
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int domains = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int timeoutSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 300;
        if (!shards.equals("auto")) {
            Integer.parseInt(shards); // fail early on a typo
        }
        List<Double> deliver = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try {
                Result r = runOnce(sessions, rcpts, shards, domains, timeoutSeconds);
                System.out.println(r.line(run, sessions, rcpts, shards, domains));
                if (r.complete()) {
                    deliver.add(r.deliverSeconds());
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.out.printf(Locale.ROOT,
                        "BURST run=%d sessions=%d rcpts=%d domains=%d shards=%s complete=false error=\"%s\"%n",
                        run, sessions, rcpts, domains, shards, String.valueOf(e).replace('"', '\''));
            }
        }
        if (runs > 1 && !deliver.isEmpty()) {
            double[] d = deliver.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "BURST-SUMMARY sessions=%d rcpts=%d shards=%s complete_runs=%d "
                            + "deliver_s_min=%.3f deliver_s_median=%.3f deliver_s_max=%.3f%n",
                    sessions, rcpts, shards, d.length, d[0], median(d), d[d.length - 1]);
        }
        System.exit(0); // the Hermod instances are closed; don't wait for stray non-daemon threads
    }

    /** What one run measured; times are System.nanoTime() values, 0 when they never happened. */
    private record Result(int accepted, int failed, String firstError, long release, long first250, long last250,
                          long[] deliveries, int sinkMessages, int sinkRecipients, int sinkConnections, boolean complete,
                          String events) {

        double deliverSeconds() {
            return deliveries.length == 0 ? Double.NaN : (deliveries[deliveries.length - 1] - first250) / 1e9;
        }

        String line(int run, int sessions, int rcpts, String shards, int domains) {
            return String.format(Locale.ROOT,
                    "BURST run=%d sessions=%d rcpts=%d domains=%d shards=%s cpus=%d accepted=%d failed=%d "
                            + "sink_msgs=%d sink_rcpts=%d intake_s=%.3f deliver_s=%.3f "
                            + "first_s=%.3f p50_s=%.3f p90_s=%.3f p99_s=%.3f "
                            + "sink_conns=%d complete=%b events=%s%s",
                    run, sessions, rcpts, domains, shards, Runtime.getRuntime().availableProcessors(), accepted, failed,
                    sinkMessages, sinkRecipients, seconds(release, last250), deliverSeconds(),
                    at(0.0), at(0.5), at(0.9), at(0.99), sinkConnections, complete, events,
                    firstError == null ? "" : " first_error=\"" + firstError.replace('"', '\'') + "\"");
        }

        private double at(double fraction) {
            if (deliveries.length == 0) {
                return Double.NaN;
            }
            int i = Math.min(deliveries.length - 1, Math.max(0, (int) Math.ceil(fraction * deliveries.length) - 1));
            return (deliveries[i] - first250) / 1e9;
        }

        private static double seconds(long from, long to) {
            return from == 0 || to == 0 ? Double.NaN : (to - from) / 1e9;
        }
    }

    private static Result runOnce(int sessions, int rcpts, String shards, int domains, int timeoutSeconds) throws Exception {
        Path dir = Files.createTempDirectory("hermod-burst");
        Vertx vertx = Vertx.vertx(); // the sink's and the clients' own, separate from Hermod's
        Hermod hermod = null;
        try {
            Sink sink = Sink.start(vertx, sessions * rcpts);
            hermod = Hermod.start(ConfigLoader.parse(yaml(dir, sink.port(), shards, sessions), Map.of()));
            int port = hermod.smtpPort();
            NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(60_000));
            byte[][] bodies = new byte[sessions][];
            List<Session> all = new ArrayList<>(sessions);
            for (int i = 0; i < sessions; i++) {
                bodies[i] = message(i, rcpts, domains);
                all.add(new Session(i));
            }
            // Phase 1: every session connected and greeted, none has started a transaction.
            CountDownLatch ready = new CountDownLatch(sessions);
            for (Session s : all) {
                // Connect from an event loop (a new context per session, round robin over the
                // loops), so that the socket's handler is set before its first read can be dispatched.
                vertx.getOrCreateContext().runOnContext(v -> s.open(client, port).onComplete(ar -> ready.countDown()));
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                // Left out of the burst and counted as failed, with where they hang.
                for (Session s : all) {
                    if (!s.stage.equals("ready") && s.failure == null) {
                        s.failure = "session " + s.index + " not ready after 60 s, waiting for: " + s.stage;
                        System.err.println(s.failure);
                    }
                }
            }
            // Phase 2: the burst.
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<String> firstError = new AtomicReference<>();
            AtomicLong first250 = new AtomicLong(Long.MAX_VALUE);
            AtomicLong last250 = new AtomicLong();
            CountDownLatch done = new CountDownLatch(sessions);
            long release = System.nanoTime();
            for (Session s : all) {
                if (s.failure != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, s.failure);
                    done.countDown();
                    continue;
                }
                s.context.runOnContext(v -> s.transaction(rcpts, domains, bodies[s.index]).onComplete(ar -> {
                    if (ar.succeeded()) {
                        long t = ar.result();
                        accepted.incrementAndGet();
                        first250.accumulateAndGet(t, Math::min);
                        last250.accumulateAndGet(t, Math::max);
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, "session " + s.index + ": " + ar.cause().getMessage());
                    }
                    done.countDown();
                }));
            }
            done.await(timeoutSeconds, TimeUnit.SECONDS);
            int expected = accepted.get() * rcpts;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (sink.recipients.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            boolean complete = accepted.get() > 0 && sink.recipients.get() >= expected;
            Thread.sleep(300); // late duplicates would show as sink_rcpts > accepted × rcpts
            long[] deliveries = sink.times();
            hermod.close(); // flushes the event log (close() is idempotent)
            return new Result(accepted.get(), failed.get(), firstError.get(), release,
                    first250.get() == Long.MAX_VALUE ? 0 : first250.get(), last250.get(), deliveries,
                    sink.messages.get(), sink.recipients.get(), sink.connections.get(), complete,
                    eventCounts(dir.resolve("events.log")));
        } finally {
            if (hermod != null) {
                hermod.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            deleteTree(dir);
        }
    }

    private static String yaml(Path dir, int sinkPort, String shards, int sessions) {
        int connections = Math.max(2000, sessions + 100);
        return """
                hostname: burst.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                  max_connections: %d
                  max_connections_per_ip: %d
                http:
                  listen: "127.0.0.1:0"
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:%d"}
                """.formatted(connections, connections, dir.resolve("spool"), dir.resolve("events.log"), sinkPort)
                + (shards.equals("auto") ? "" : "queue:\n  shards: " + shards + "\n");
    }

    private static byte[] message(int i, int rcpts, int domains) {
        StringBuilder sb = new StringBuilder()
                .append("From: <burst@sender.example>\r\n")
                .append("To: <").append(recipient(i, 0, domains)).append(">\r\n")
                .append("Subject: burst ").append(i).append("\r\n")
                .append("Message-ID: <burst-").append(i).append("@sender.example>\r\n\r\n");
        String line = "x".repeat(76) + "\r\n";
        for (int l = 0; l < 12; l++) {
            sb.append(line);
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** a&lt;i&gt;@d&lt;i%D&gt;.example, b&lt;i&gt;@…; past 26 recipients r&lt;k&gt;-&lt;i&gt;@…. */
    static String recipient(int i, int k, int domains) {
        String local = k < 26 ? (char) ('a' + k) + Integer.toString(i) : "r" + k + "-" + i;
        return local + "@d" + (i % domains) + ".example";
    }

    /** One client session, request/response; every callback runs on its connection's context. */
    private static final class Session {
        final int index;
        Context context;
        NetSocket socket;
        volatile String failure;
        /** What the session waits for until it is "ready" for the burst. */
        volatile String stage = "connect";
        private final List<String> lines = new ArrayList<>();
        private Promise<String> pending;
        private boolean replyDone = true;

        Session(int index) {
            this.index = index;
        }

        Future<Void> open(NetClient client, int port) {
            pending = Promise.promise();
            Future<String> greeting = pending.future();
            return client.connect(port, "127.0.0.1").compose(so -> {
                socket = so;
                context = Vertx.currentContext();
                RecordParser parser = RecordParser.newDelimited("\r\n", this::onLine);
                so.handler(parser);
                so.closeHandler(v -> fail("connection closed"));
                so.exceptionHandler(e -> fail(e.toString()));
                stage = "220 greeting";
                return expect(greeting, 220);
            }).compose(v -> {
                stage = "EHLO reply";
                return expect(command("EHLO burst.client.test"), 250);
            }).<Void>map(v -> {
                stage = "ready";
                return null;
            })
                    .onFailure(e -> failure = "session " + index + " setup: " + e.getMessage());
        }

        /** Resolves to the time of the 250 after end-of-DATA. */
        Future<Long> transaction(int rcpts, int domains, byte[] body) {
            Future<Void> f = expect(command("MAIL FROM:<burst@sender.example>"), 250);
            for (int k = 0; k < rcpts; k++) {
                String rcpt = recipient(index, k, domains);
                f = f.compose(v -> expect(command("RCPT TO:<" + rcpt + ">"), 250));
            }
            return f.compose(v -> expect(command("DATA"), 354))
                    .compose(v -> {
                        Future<String> reply = await();
                        socket.write(Buffer.buffer(body));
                        return expect(reply, 250);
                    })
                    .map(v -> System.nanoTime())
                    .onSuccess(t -> {
                        await(); // 221 or a close, either is fine
                        socket.write("QUIT\r\n");
                    });
        }

        private Future<String> command(String line) {
            Future<String> reply = await();
            socket.write(line + "\r\n");
            return reply;
        }

        /** The next complete reply, all its lines joined with " | ". */
        private Future<String> await() {
            pending = Promise.promise();
            return pending.future();
        }

        private static Future<Void> expect(Future<String> reply, int code) {
            return reply.compose(text -> text.startsWith(Integer.toString(code)) ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture("expected " + code + ", got " + text));
        }

        private void onLine(Buffer buffer) {
            String line = buffer.toString(StandardCharsets.ISO_8859_1);
            if (replyDone) {
                lines.clear();
                replyDone = false;
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                replyDone = true;
                if (pending != null) {
                    pending.tryComplete(String.join(" | ", lines));
                }
            }
        }

        private void fail(String why) {
            if (pending != null) {
                pending.tryFail(why);
            }
        }
    }

    /** A minimal SMTP server (PIPELINING) that accepts everything and timestamps every message. */
    private static final class Sink {
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger recipients = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        private final AtomicReferenceArray<long[]> times;
        private final NetServer server;

        private Sink(Vertx vertx, int capacity) {
            this.times = new AtomicReferenceArray<>(capacity + 1024);
            this.server = vertx.createNetServer().connectHandler(this::session);
        }

        static Sink start(Vertx vertx, int capacity) throws Exception {
            Sink sink = new Sink(vertx, capacity);
            sink.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return sink;
        }

        int port() {
            return server.actualPort();
        }

        /** Delivery times (nanoTime), one per recipient, sorted. */
        long[] times() {
            List<Long> all = new ArrayList<>();
            for (int i = 0; i < times.length(); i++) {
                long[] t = times.get(i);
                if (t != null) {
                    for (int n = 0; n < (int) t[1]; n++) {
                        all.add(t[0]);
                    }
                }
            }
            return all.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        private void session(NetSocket socket) {
            connections.incrementAndGet();
            StringBuilder out = new StringBuilder();
            int[] rcpts = {0};
            boolean[] inData = {false};
            RecordParser parser = RecordParser.newDelimited("\r\n", buffer -> {
                String line = buffer.toString(StandardCharsets.ISO_8859_1);
                if (inData[0]) {
                    if (line.equals(".")) {
                        long now = System.nanoTime();
                        inData[0] = false;
                        int m = messages.getAndIncrement();
                        recipients.addAndGet(rcpts[0]);
                        if (m < times.length()) {
                            times.set(m, new long[] {now, rcpts[0]});
                        }
                        rcpts[0] = 0;
                        out.append("250 2.0.0 Ok: queued as S" + m + "\r\n");
                    }
                    return;
                }
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    out.append("250-sink.burst.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n");
                } else if (upper.startsWith("HELO")) {
                    out.append("250 sink.burst.test\r\n");
                } else if (upper.startsWith("MAIL FROM:")) {
                    rcpts[0] = 0;
                    out.append("250 2.1.0 Ok\r\n");
                } else if (upper.startsWith("RCPT TO:")) {
                    rcpts[0]++;
                    out.append("250 2.1.5 Ok\r\n");
                } else if (upper.equals("DATA")) {
                    if (rcpts[0] == 0) {
                        out.append("554 5.5.1 Error: no valid recipients\r\n");
                    } else {
                        inData[0] = true;
                        out.append("354 End data with <CR><LF>.<CR><LF>\r\n");
                    }
                } else if (upper.equals("RSET")) {
                    rcpts[0] = 0;
                    out.append("250 2.0.0 Ok\r\n");
                } else if (upper.equals("QUIT")) {
                    out.append("221 2.0.0 Bye\r\n");
                } else if (upper.equals("NOOP")) {
                    out.append("250 2.0.0 Ok\r\n");
                } else {
                    out.append("502 5.5.2 Error: command not recognized\r\n");
                }
            });
            socket.handler(buffer -> {
                parser.handle(buffer);
                if (out.length() > 0) {
                    boolean quit = out.indexOf("221 2.0.0 Bye") >= 0;
                    Future<Void> written = socket.write(out.toString());
                    out.setLength(0);
                    if (quit) {
                        written.onComplete(v -> socket.close());
                    }
                }
            });
            socket.write("220 sink.burst.test ESMTP burst sink\r\n");
        }
    }

    private static final Pattern EVENT_TYPE = Pattern.compile("\"type\":\"([A-Za-z_]+)\"");

    /** Lines of the event log per {@code "type"}, e.g. {@code Reception:2000,Delivery:2000}; "-" if unreadable. */
    private static String eventCounts(Path log) {
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<String> lines = Files.lines(log)) {
            lines.forEach(line -> {
                Matcher m = EVENT_TYPE.matcher(line);
                counts.merge(m.find() ? m.group(1) : "other", 1, Integer::sum);
            });
        } catch (IOException | UncheckedIOException e) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((type, n) -> sb.append(sb.length() == 0 ? "" : ",").append(type).append(':').append(n));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
