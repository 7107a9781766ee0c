package io.hermod.delivery;

import io.vertx.core.Future;

/** A stored message body, read chunk by chunk as the connection sends it. */
public interface BodySource {

    int chunks();

    /** Chunk {@code index} as stored (CRLF lines, not yet dot-stuffed). */
    Future<byte[]> chunk(int index);
}
