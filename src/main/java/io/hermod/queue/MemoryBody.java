package io.hermod.queue;

import io.hermod.delivery.BodySource;
import io.vertx.core.Future;

/** A body of one chunk that intake handed over with the message. */
record MemoryBody(byte[] bytes) implements BodySource {

    @Override
    public int chunks() {
        return 1;
    }

    @Override
    public Future<byte[]> chunk(int index) {
        return Future.succeededFuture(bytes);
    }
}
