package io.hermod.bench;

import io.hermod.support.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Accept-side load: C connections each send M/C messages in lock step (like smtp-source -d) and
 * time every end-of-DATA to its 250, the latency a client waits for durability. Not a test; run:
 * {@code java -cp target/test-classes:target/hermod.jar io.hermod.bench.IntakeLoad 127.0.0.1 2525 50 20000 2048}
 * and, to offer a fixed load instead of as much as the server takes, a sixth argument: messages per
 * second over all connections. Then the connections start together once all have said EHLO,
 * connection c starts its k-th MAIL at (k * C + c) / rate seconds, or at once when it is behind,
 * and how far behind the schedule each MAIL started is reported too: a server that falls behind
 * shows there, not only in the 250's latency.
 */
public final class IntakeLoad {

    private IntakeLoad() {
    }

    /** One connection's figures, per message: end-of-DATA to 250, and how late its MAIL started. */
    private record Timings(long[] latencies, long[] lateness) {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int messages = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: messages per second, 0 for as many as the server takes; got " + args[5]);
        }
        byte[] data = message(size);
        int perConnection = messages / connections;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long[] epoch = new long[1];
        CyclicBarrier together = new CyclicBarrier(connections, () -> epoch[0] = System.nanoTime());
        List<Future<Timings>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            results.add(pool.submit(() -> {
                Timings timings = new Timings(new long[perConnection], new long[perConnection]);
                try (SmtpTestClient client = new SmtpTestClient(host, port)) {
                    SmtpTestClient.expect(client.greeting(), 220);
                    SmtpTestClient.expect(client.command("EHLO load.test"), 250);
                    together.await();
                    for (int i = 0; i < perConnection; i++) {
                        if (rate > 0) {
                            long due = epoch[0] + (long) ((i * (double) connections + connection) * 1e9 / rate);
                            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                                LockSupport.parkNanos(wait);
                            }
                            timings.lateness()[i] = System.nanoTime() - due;
                        }
                        SmtpTestClient.expect(client.command("MAIL FROM:<load@example.com>"), 250);
                        SmtpTestClient.expect(client.command("RCPT TO:<sink@example.net>"), 250);
                        SmtpTestClient.expect(client.command("DATA"), 354);
                        long t0 = System.nanoTime();
                        client.send(data);
                        SmtpTestClient.expect(client.read(), 250);
                        timings.latencies()[i] = System.nanoTime() - t0;
                    }
                    client.command("QUIT");
                }
                return timings;
            }));
        }
        long[] all = new long[perConnection * connections];
        long[] late = new long[all.length];
        int n = 0;
        for (Future<Timings> f : results) {
            Timings t = f.get();
            System.arraycopy(t.latencies(), 0, all, n, perConnection);
            System.arraycopy(t.lateness(), 0, late, n, perConnection);
            n += perConnection;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(all);
        Arrays.sort(late);
        System.out.printf("messages=%d connections=%d size=%dB offered=%s seconds=%.2f accept_msg_per_s=%.0f%n",
                all.length, connections, size, rate > 0 ? String.format("%.0f/s", rate) : "max", seconds,
                all.length / seconds);
        System.out.printf("250 latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), pct(all, 0.999), all[all.length - 1] / 1e6);
        if (rate > 0) {
            System.out.printf("MAIL behind schedule ms: p50=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
                    pct(late, 0.50), pct(late, 0.99), pct(late, 0.999), late[late.length - 1] / 1e6);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static byte[] message(int size) {
        StringBuilder sb = new StringBuilder("From: <load@example.com>\r\nTo: <sink@example.net>\r\nSubject: load\r\n\r\n");
        String line = "x".repeat(76) + "\r\n";
        while (sb.length() < size) {
            sb.append(line);
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
