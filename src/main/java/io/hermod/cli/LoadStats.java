package io.hermod.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a load run observed, from any thread: messages accepted and failed, each reply code per
 * stage, and the latency of every accepting reply (the 250 after the end of data, or the HTTP
 * answer). Latencies are kept whole (8 bytes each; a million messages is 8 MB) so percentiles are exact.
 */
final class LoadStats {

    final LongAdder accepted = new LongAdder();
    final LongAdder acceptedRecipients = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    private final Map<String, LongAdder> replies = new ConcurrentHashMap<>();
    private long[] latencies = new long[1024];
    private int count;
    private volatile String lastError;

    void reply(String stage, int code) {
        replies.computeIfAbsent(stage + " " + code, k -> new LongAdder()).increment();
    }

    synchronized void latency(long nanos) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = nanos;
    }

    void error(String what) {
        connectionErrors.increment();
        lastError = what;
    }

    String lastError() {
        return lastError;
    }

    /** "stage code" to count, sorted. */
    Map<String, Long> replies() {
        Map<String, Long> out = new TreeMap<>();
        replies.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Latency percentiles in milliseconds: p50, p90, p99, max; zeros when nothing was measured. */
    synchronized double[] percentiles() {
        if (count == 0) {
            return new double[4];
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new double[] {at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted[count - 1] / 1e6};
    }

    synchronized int measured() {
        return count;
    }

    private static double at(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))] / 1e6;
    }
}
