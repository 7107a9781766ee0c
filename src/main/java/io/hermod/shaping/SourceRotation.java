package io.hermod.shaping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Weighted round robin over a pool's sources, smooth (as nginx does it): with weights 3:1 the
 * order is a a b a, a a b a, never a long run of one source. Sources that may not be used now
 * (suspended) are passed over and the others keep their proportions. Not thread-safe: one per
 * site and pool, on the site's event loop.
 */
public final class SourceRotation {

    private final List<String> names = new ArrayList<>();
    private final int[] weights;
    private final int[] current;

    public SourceRotation(Map<String, Integer> pool) {
        weights = new int[pool.size()];
        current = new int[pool.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : pool.entrySet()) {
            names.add(e.getKey());
            weights[i++] = e.getValue();
        }
    }

    /** The next source among those {@code usable} accepts, or null when none is. */
    public String next(Predicate<String> usable) {
        int total = 0;
        int best = -1;
        for (int i = 0; i < weights.length; i++) {
            if (!usable.test(names.get(i))) {
                continue;
            }
            current[i] += weights[i];
            total += weights[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        current[best] -= total;
        return names.get(best);
    }
}
