package io.hermod.queue;

import io.hermod.delivery.BodySource;
import io.vertx.core.Future;

/**
 * A body of one chunk that intake handed over with the message, after its prefix (the DKIM
 * signatures written at acceptance) when it has one.
 *
 * @param prefix null or empty when the message has none
 */
record MemoryBody(byte[] prefix, byte[] bytes) implements BodySource {

    /** Octets held, counted against {@link HotBodies}. */
    long size() {
        return (prefix == null ? 0 : prefix.length) + bytes.length;
    }

    @Override
    public int chunks() {
        return prefix == null || prefix.length == 0 ? 1 : 2;
    }

    @Override
    public Future<byte[]> chunk(int index) {
        return Future.succeededFuture(chunks() == 2 && index == 0 ? prefix : bytes);
    }
}
