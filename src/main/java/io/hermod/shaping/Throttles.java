package io.hermod.shaping;

/**
 * Rate throttles by key ({@code site × source}, {@code provider × source}), each a {@link Gcra}.
 * Local to the process here; issue "Cluster" puts the same arithmetic in Redis behind this interface.
 */
public interface Throttles {

    /**
     * Takes one unit of {@code rate} under {@code key}: 0 when it may go now, else the nanoseconds
     * to wait. A negative wait is not the limit but the time until a shared throttle's answer is
     * there (it is not counted as throttled).
     */
    long acquire(String key, Rate rate);

    /** Gives back a unit taken by {@link #acquire} that was not used (another limit said no). */
    void refund(String key, Rate rate);
}
