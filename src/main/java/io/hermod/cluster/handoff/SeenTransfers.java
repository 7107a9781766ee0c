package io.hermod.cluster.handoff;

import io.hermod.spool.MessageId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transfer ids this pod has committed lately, with the local id each got, so a batch sent again
 * (the sender crashed after the answer and before deleting its copies) is not committed twice.
 * Bounded (the oldest are forgotten first) and in memory only: it covers a sender's retry, which
 * comes within the same hand-off; a receiver that restarts meanwhile may commit a message twice,
 * which at-least-once allows (a duplicate delivery, nothing lost).
 */
public final class SeenTransfers {

    /** About 100 octets each: a few MiB for far more messages than one batch retried. */
    public static final int DEFAULT_CAPACITY = 65_536;

    private final Map<String, MessageId> seen;

    public SeenTransfers(int capacity) {
        this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, MessageId> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The local id a transfer got, or null when this pod has not committed it (or forgot it). */
    public synchronized MessageId get(String transferId) {
        return seen.get(transferId);
    }

    public synchronized void put(String transferId, MessageId local) {
        seen.put(transferId, local);
    }

    public synchronized int size() {
        return seen.size();
    }
}
