package io.hermod.bench;

import io.hermod.Hermod;
import io.hermod.cluster.handoff.HandoffProgress;
import io.hermod.config.ConfigLoader;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hand-off rate (not a test): two in-process Hermods on loopback, both holding their mail (every
 * route dead, retries an hour away), so only the hand-off runs. A is filled with N messages of
 * SIZE octets through the acceptance path, then hands them to B ({@code Hermod.handoff().start}).
 * Then B, holding what it received, gets N more and hands everything to a fresh C, and so on: run
 * k moves k x N messages. One {@code HANDOFF …} line per run: messages moved, seconds (from the
 * start, intake stop included, to the end), messages/s, MB/s of bodies.
 *
 *     mvn -q -DskipTests package
 *     java -cp target/test-classes:target/hermod.jar io.hermod.bench.HandoffRate [N=10000] [SIZE=2000] [RUNS=3]
 */
public final class HandoffRate {

    private HandoffRate() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("handoff-rate");
        Hermod a = start(dir.resolve("a"));
        Hermod b = start(dir.resolve("b"));
        try {
            for (int run = 1; run <= runs; run++) {
                fill(a, count, size);
                long start = System.nanoTime();
                if (!a.handoff().start(URI.create("http://127.0.0.1:" + b.httpPort()))) {
                    throw new IllegalStateException("a hand-off is already running");
                }
                HandoffProgress progress = a.handoff().progress();
                while (progress.running()) {
                    Thread.sleep(10);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long moved = progress.moved();
                System.out.printf(Locale.ROOT, "HANDOFF run=%d moved=%d size=%d seconds=%.2f msg_per_s=%.0f"
                        + " mb_per_s=%.1f state=%s b_queue=%d%n", run, moved, size, seconds,
                        moved / seconds, moved * (double) size / seconds / 1e6, progress.state(), b.queue().messages());
                if (run < runs) {
                    // A no longer takes mail after a hand-off: swap the roles for the next run.
                    Hermod next = b;
                    b = start(dir.resolve("c" + run));
                    a.close();
                    a = next;
                }
            }
        } finally {
            a.close();
            b.close();
        }
    }

    private static Hermod start(Path dir) {
        return Hermod.start(ConfigLoader.parse("""
                hostname: rate.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                  token: bench
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:1"}
                queue:
                  retry: {initial: 1h}
                shutdown:
                  grace: 1s
                """.formatted(dir.resolve("spool"), dir.resolve("events.log")), Map.of()));
    }

    /** N messages through the acceptance path (commit, then queue), a few hundred at a time. */
    private static void fill(Hermod hermod, int count, int size) throws Exception {
        byte[] body = ("Subject: rate\r\n\r\n" + "x".repeat(Math.max(0, size - 20)) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Envelope e = new Envelope(hermod.spool().newId(), "s@example.com",
                    List.of(Recipient.pending("r" + i + "@d" + (i % 50) + ".example")), System.currentTimeMillis(),
                    body.length, 1, false, false, "bench", "127.0.0.1");
            pending.add(hermod.queue().acceptance().accept(e, body.clone()));
            if (pending.size() == 500) {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                pending.clear();
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
}
