package io.hermod.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hermod sink}: a counting next hop ({@link SinkServer}) that prints a rate line every
 * second and a summary at the end: after {@code --count} messages, after {@code --duration}, or on
 * Ctrl-C.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A counting SMTP sink: accepts and discards mail, prints a rate line per second.")
final class SinkCommand implements Callable<Integer> {

    private final Cli.Io io;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2526",
            description = "where to listen (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--pipelining", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "advertise PIPELINING (default on; --no-pipelining to turn off)")
    boolean pipelining;

    @Option(names = "--tempfail-rate", paramLabel = "FRACTION", defaultValue = "0",
            description = "share of RCPTs answered 451 (0..1)")
    double tempfailRate;

    @Option(names = "--reject-rate", paramLabel = "FRACTION", defaultValue = "0",
            description = "share of RCPTs answered 550 (0..1)")
    double rejectRate;

    @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "0ms", converter = Units.DurationConverter.class,
            description = "wait this long before answering the end of data (e.g. 50ms)")
    Duration delay;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000",
            description = "connections at once; more get 421 (default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "stop after N messages (0: never)")
    long count;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            description = "stop after this long")
    Duration duration;

    @Option(names = "--quiet", description = "no rate lines, only the summary")
    boolean quiet;

    SinkCommand(Cli.Io io) {
        this.io = io;
    }

    SinkServer.Behaviour behaviour() {
        if (tempfailRate < 0 || rejectRate < 0 || tempfailRate + rejectRate > 1) {
            throw new Cli.CommandFailure(Cli.USAGE, "sink: --tempfail-rate and --reject-rate: each 0..1, together at"
                    + " most 1");
        }
        if (maxConnections < 1) {
            throw new Cli.CommandFailure(Cli.USAGE, "sink: --max-connections: at least 1");
        }
        return new SinkServer.Behaviour(pipelining, tempfailRate, rejectRate, delay.toMillis(), maxConnections);
    }

    @Override
    public Integer call() throws InterruptedException {
        Units.Address address = Units.Address.parse(listen, "sink: --listen");
        SinkServer.Behaviour behaviour = behaviour();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        try {
            SinkServer sink = new SinkServer(vertx, behaviour);
            int port;
            try {
                port = sink.listen(address.host(), address.port()).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new Cli.CommandFailure(Cli.FAILED, "sink: cannot listen on " + address + ": " + cause.getMessage());
            }
            io.out().println("hermod sink: listening on " + new Units.Address(address.host(), port)
                    + (pipelining ? ", PIPELINING" : "") + (tempfailRate > 0 ? ", tempfail " + tempfailRate : "")
                    + (rejectRate > 0 ? ", reject " + rejectRate : "")
                    + (delay.isZero() ? "" : ", delay " + delay.toMillis() + " ms"));
            long start = System.nanoTime();
            CountDownLatch done = new CountDownLatch(1);
            AtomicBoolean summarised = new AtomicBoolean();
            Thread hook = new Thread(() -> summary(sink, start, summarised));
            Runtime.getRuntime().addShutdownHook(hook);
            long[] last = {0};
            vertx.setPeriodic(1000, id -> {
                long messages = sink.counts().messages.sum();
                if (!quiet) {
                    io.out().printf(Locale.ROOT, "%s  %8d msg/s  %8d total  %4d connections%n",
                            LocalTime.now().truncatedTo(ChronoUnit.SECONDS), messages - last[0], messages,
                            sink.openConnections());
                }
                last[0] = messages;
            });
            if (count > 0) {
                vertx.setPeriodic(20, id -> {
                    if (sink.counts().messages.sum() >= count) {
                        done.countDown();
                    }
                });
            }
            if (duration != null) {
                done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                done.await();
            }
            summary(sink, start, summarised);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            return 0;
        } finally {
            vertx.close();
        }
    }

    private void summary(SinkServer sink, long startNanos, AtomicBoolean summarised) {
        if (!summarised.compareAndSet(false, true)) {
            return;
        }
        SinkServer.Counts c = sink.counts();
        long messages = c.messages.sum();
        double active = c.firstNanos == 0 || c.lastNanos == c.firstNanos ? 0 : (c.lastNanos - c.firstNanos) / 1e9;
        Table table = new Table("SINK", "VALUE");
        table.row("messages", messages);
        table.row("recipients", c.recipients.sum());
        table.row("bytes", c.bytes.sum());
        table.row("connections", c.connections.sum());
        table.row("refused connections", c.refusedConnections.sum());
        table.row("rcpt 451 (tempfail)", c.tempfailed.sum());
        table.row("rcpt 550 (reject)", c.rejected.sum());
        table.row("seconds (first to last message)", String.format(Locale.ROOT, "%.2f", active));
        table.row("msg/s (first to last message)", active == 0 ? "-" : String.format(Locale.ROOT, "%.1f", messages / active));
        table.row("seconds running", String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9));
        table.print(io.out());
        io.out().flush();
    }
}
