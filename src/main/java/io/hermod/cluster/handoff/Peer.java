package io.hermod.cluster.handoff;

import java.util.concurrent.CompletableFuture;

/** Where a hand-off sends its batches: the peer's transfer endpoint. */
public interface Peer {

    /** The peer's answer: its status code and body (JSON). */
    record Answer(int status, String body) {
    }

    /** Posts one encoded batch ({@link TransferCodec}); fails on a connection or timeout failure. */
    CompletableFuture<Answer> send(byte[] batch);
}
