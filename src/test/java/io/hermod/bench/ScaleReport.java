package io.hermod.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a {@link QueueScale} run in the order they were measured: printed as a markdown
 * table and as one {@code QUEUE-SCALE key=value ...} line (also when a run fails part way).
 */
final class ScaleReport {

    private record Row(String key, String label, String value) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Long> rawBytes = new HashMap<>();
    private boolean printed;

    ScaleReport(ScaleOptions o) {
        put("n", "messages (N)", Integer.toString(o.n()));
        put("size", "message size (bytes)", Integer.toString(o.size()));
        put("domains", "domains", Integer.toString(o.domains()));
        put("sessions", "SMTP sessions", Integer.toString(o.sessions()));
        put("xmx", "child heap (-Xmx)", o.heap());
        put("cpus", "processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    /** Adds a figure and logs it at once, so a run stopped later still shows it. */
    synchronized void put(String key, String label, String value) {
        rows.add(new Row(key, label, value));
        QueueScale.log("%s = %s (%s)", key, value, label);
    }

    void seconds(String key, String label, double seconds) {
        put(key, label + " (s)", seconds < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", seconds));
    }

    void rate(String key, String label, double perSecond) {
        put(key, label + " (msg/s)", String.format(Locale.ROOT, "%.0f", perSecond));
    }

    void count(String key, String label, long count) {
        put(key, label, Long.toString(count));
    }

    synchronized void mib(String key, String label, long bytes) {
        rawBytes.put(key, bytes);
        put(key, label + " (MiB)", String.format(Locale.ROOT, "%.1f", bytes / 1048576.0));
    }

    /** The bytes behind a figure given to {@link #mib}. */
    synchronized long bytes(String key) {
        Long b = rawBytes.get(key);
        if (b == null) {
            throw new IllegalStateException("no figure " + key);
        }
        return b;
    }

    synchronized void print() {
        printed = true;
        System.out.println();
        System.out.println("| figure | key | value |");
        System.out.println("| --- | --- | --- |");
        for (Row r : rows) {
            System.out.println("| " + r.label() + " | " + r.key() + " | " + r.value() + " |");
        }
        System.out.println();
        StringBuilder line = new StringBuilder("QUEUE-SCALE");
        for (Row r : rows) {
            line.append(' ').append(r.key()).append('=').append(r.value().replace(' ', '_'));
        }
        System.out.println(line);
    }

    /** After a failure: what was measured before it, marked partial. */
    synchronized void printPartial() {
        if (!printed) {
            put("partial", "run failed or stopped part way", "true");
            print();
        }
    }
}
