package io.hermod.bench;

import static io.hermod.bench.QueueScale.describe;
import static io.hermod.bench.QueueScale.log;
import static io.hermod.bench.QueueScale.since;

import java.util.ArrayList;
import java.util.List;

/**
 * The last phase of {@link QueueScale}: the next hop is up ({@code hermod sink}); the site is resumed
 * (unless {@code --flush-only}) and every domain flushed, then the queue and the sink are sampled every
 * second until the queue is empty. Reports the flush time, the drain time and rate, and the sink's best second.
 */
final class QueueDrain {

    /** A queue that has not moved for this long during the drain fails the run (queue.retry.max is 1 h). */
    private static final long STALL_NANOS = 600_000_000_000L;

    private final ScaleOptions options;
    private final QueueApi api;
    private final ChildJvm hermod;
    private final ChildJvm sink;
    private final SinkCounter counter;
    private final ScaleReport report;

    QueueDrain(ScaleOptions options, QueueApi api, ChildJvm hermod, ChildJvm sink, SinkCounter counter, ScaleReport report) {
        this.options = options;
        this.api = api;
        this.hermod = hermod;
        this.sink = sink;
        this.counter = counter;
        this.report = report;
    }

    void run(int expected) throws Exception {
        long t0 = System.nanoTime(); // the drain's start: the sink is up, the operator acts
        List<String> domains = new ArrayList<>();
        for (int d = 0; d < options.domains(); d++) {
            domains.add("d" + d + ".example");
        }
        if (options.resumeSites()) {
            // Before the flush: deliveries made due while the site is still backed off go back to
            // the schedule until the backoff's end, and a later resume does not bring them back.
            List<String> resumed = api.resumeAllSites();
            log("drain: resumed sites %s (their backoff lifted)", resumed);
        }
        report.put("drain_mode", "drain started by", options.resumeSites() ? "site resume + domain flush" : "domain flush only");
        long flushStart = System.nanoTime();
        long flushed = api.flushAll(domains, 8);
        double flushSeconds = since(flushStart);
        log("drain: %d domains flushed in %.2f s (%d deliveries made due)", domains.size(), flushSeconds, flushed);
        long lastQueued = -1;
        long lastChange = System.nanoTime();
        long lastNanos = t0;
        long idleUntilNanos = -1; // the last sample before the sink had anything: deliveries began after it
        int samples = 0;
        while (true) {
            Thread.sleep(1000);
            hermod.checkAlive("the drain");
            sink.checkAlive("the drain");
            QueueApi.Totals totals = api.totals();
            long delivered = counter.total();
            long now = System.nanoTime();
            if (delivered > 0 && idleUntilNanos < 0) {
                idleUntilNanos = lastNanos;
            }
            lastNanos = now;
            long queued = Math.max(totals.messages(), totals.deliveries());
            if (queued == 0) {
                break;
            }
            if (++samples % 5 == 0) {
                log("drain: %.0f s, queue %s, sink %d", since(t0), describe(totals), delivered);
            }
            if (queued != lastQueued) {
                lastQueued = queued;
                lastChange = now;
            } else if (now - lastChange > STALL_NANOS) {
                // Deliveries deferred before the sink came up wait for their retry time (up to queue.retry.max).
                throw new BenchFailure("drain stalled: queue at " + describe(totals) + " for " + STALL_NANOS / 1_000_000_000L
                        + " s, sink has " + delivered);
            }
            if (now - t0 > options.timeoutSeconds() * 1_000_000_000L) {
                throw new BenchFailure("queue not empty " + options.timeoutSeconds() + " s after the flush: " + describe(totals)
                        + ", sink has " + delivered);
            }
        }
        double seconds = since(t0);
        log("drain: queue empty after %.1f s", seconds);
        long delivered = counter.awaitTotal(expected, 5);
        report.seconds("flush_s", "flush of every domain (" + domains.size() + " calls)", flushSeconds);
        double idle = idleUntilNanos < 0 ? 0 : (idleUntilNanos - t0) / 1e9;
        report.seconds("drain_s", "sink up and flush start to empty queue", seconds);
        report.seconds("drain_idle_s", "flush start to the first delivery (at most)", idle);
        report.rate("drain_msg_s", "drain rate, whole drain (delivered / drain time)", delivered / seconds);
        report.rate("drain_active_msg_s", "drain rate from the first delivery to empty", delivered / Math.max(0.001, seconds - idle));
        report.rate("drain_peak_msg_s", "drain rate, the sink's best second", counter.peakRate());
        report.count("delivered", "messages at the sink", delivered);
    }
}
