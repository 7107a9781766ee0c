package io.hermod.shaping;

/**
 * Connection leases by key ({@code site × source}, {@code provider × source}): how many connections
 * may be open at once. Local to the process ({@link io.hermod.delivery.ConnectionBudget}) or shared
 * by every pod through Redis (io.hermod.cluster).
 */
public interface Leases {

    /**
     * Takes a lease under {@code key} unless {@code limit} are held. When the answer is not known
     * at once (a shared lease asked of Redis), false is returned and {@code wake} runs, on any
     * thread, when asking again may succeed.
     */
    boolean tryAcquire(String key, int limit, Runnable wake);

    /** Gives back a lease {@link #tryAcquire} granted. */
    void release(String key);
}
