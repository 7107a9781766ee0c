package io.hermod.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running total of a {@code hermod sink} child, read from its rate lines ("HH:MM:SS  N msg/s  T total  C connections"). */
final class SinkCounter {

    private static final Pattern RATE_LINE = Pattern.compile("(\\d+) msg/s\\s+(\\d+) total");

    private final Path output;

    SinkCounter(Path output) {
        this.output = output;
    }

    /** The total of the last rate line (the sink prints one a second), 0 before the first. */
    long total() throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = RATE_LINE.matcher(lines.get(i));
            if (m.find()) {
                return Long.parseLong(m.group(2));
            }
        }
        return 0;
    }

    /** The best one-second rate the sink printed (its "msg/s" column). */
    long peakRate() throws IOException {
        long peak = 0;
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            Matcher m = RATE_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }

    /** Waits up to {@code seconds} for the total to reach {@code expected}; returns the total then. */
    long awaitTotal(long expected, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long total = total();
        while (total < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            total = total();
        }
        return total;
    }
}
