package io.hermod.shaping;

/**
 * The generic cell rate algorithm: a throttle kept as one number, the theoretical arrival time
 * (TAT) of the next unit. A unit may go at {@code now} when {@code now >= TAT - tolerance}; it then
 * moves TAT to {@code max(TAT, now) + interval}. Otherwise it must wait until
 * {@code TAT - tolerance}. The same arithmetic runs locally here and in Redis for a cluster.
 */
public final class Gcra {

    private Gcra() {
    }

    /**
     * The TAT after one unit at {@code now}, or, when the unit must wait, the negated wait in
     * nanoseconds. Callers store the new TAT only when the result is a TAT: see {@link #admitted}.
     */
    public static long next(long tat, long now, long interval, long tolerance) {
        long earliest = tat - tolerance;
        if (now < earliest) {
            return -(earliest - now);
        }
        return Math.max(tat, now) + interval;
    }

    /** Whether {@link #next} admitted the unit (its result is the new TAT). */
    public static boolean admitted(long result) {
        return result >= 0;
    }
}
