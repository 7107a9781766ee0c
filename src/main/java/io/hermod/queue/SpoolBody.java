package io.hermod.queue;

import io.hermod.delivery.BodySource;
import io.hermod.spool.Envelope;
import io.hermod.spool.Spool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A spooled body read chunk by chunk on a worker thread (a RocksDB read may touch the disk, which
 * an event loop must not wait for).
 */
final class SpoolBody implements BodySource {

    private final Vertx vertx;
    private final Spool spool;
    private final Envelope envelope;

    SpoolBody(Vertx vertx, Spool spool, Envelope envelope) {
        this.vertx = vertx;
        this.spool = spool;
        this.envelope = envelope;
    }

    @Override
    public int chunks() {
        return envelope.storedChunks();
    }

    @Override
    public Future<byte[]> chunk(int index) {
        return vertx.executeBlocking(() -> spool.storedChunk(envelope, index), false);
    }
}
