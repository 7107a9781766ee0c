package io.hermod.bench;

import io.hermod.shaping.LocalThrottles;
import io.hermod.shaping.Rate;
import io.hermod.shaping.Shaping;
import io.hermod.shaping.ShapingStore;
import io.hermod.shaping.SourceRotation;
import java.util.List;
import java.util.Map;

/**
 * What one shaping check costs, measured in a loop (not a test):
 * {@code java -cp target/test-classes:target/hermod.jar io.hermod.bench.ThrottleCost}. Prints ns per
 * GCRA check (admitted, and refused), per source pick, and per resolution of a site's values
 * (done once per site × source and shaping change, not per message).
 */
public final class ThrottleCost {

    private ThrottleCost() {
    }

    public static void main(String[] args) {
        long[] fakeNow = {1};
        LocalThrottles throttles = new LocalThrottles(() -> fakeNow[0]);
        Rate rate = Rate.parse("1000000/s");
        Rate tight = Rate.parse("1/h");
        SourceRotation rotation = new SourceRotation(Map.of("a", 3, "b", 1));
        Shaping shaping = ShapingStore.of(ShapingStore.Base.of(20, 1000, 100, 1024),
                "default: {max_message_rate: 100/s}\nproviders: {gmail: {max_message_rate: 10/s}}").current();
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            int n = 20_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                fakeNow[0] += 1_000; // 1 µs apart: under the rate, every check admits
                sink += throttles.acquire("mx:aspmx.l.google.com:25|ip-a", rate);
            }
            long admitted = System.nanoTime() - t0;
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += throttles.acquire("tight", tight);
            }
            long refused = System.nanoTime() - t0;
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += rotation.next(s -> true).length();
            }
            long rotate = System.nanoTime() - t0;
            int m = 200_000;
            t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                sink += shaping.resolve(null, shaping.provider("gmail.com", List.of("aspmx.l.google.com")), "default")
                        .connectionLimit();
            }
            long resolve = System.nanoTime() - t0;
            System.out.printf("round %d: GCRA check admitted %.1f ns, refused %.1f ns; source pick %.1f ns;"
                    + " resolve a site's values %.0f ns%n", round + 1, admitted / (double) n, refused / (double) n,
                    rotate / (double) n, resolve / (double) m);
        }
        System.out.println("(ignore: " + sink + ")");
    }
}
