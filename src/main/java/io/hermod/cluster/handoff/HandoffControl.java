package io.hermod.cluster.handoff;

import java.net.URI;
import java.util.Optional;

/** What the HTTP API asks of the hand-off: start one, show it, and take a peer's batches. */
public interface HandoffControl {

    /**
     * Starts handing the queue to {@code to} on a thread of its own (intake stops at once); false
     * when a hand-off is already running.
     */
    boolean start(URI to);

    HandoffProgress progress();

    /** Messages still queued here (meaningful once a hand-off has started). */
    long remaining();

    /** {@code cluster.handoff_to}, the peer SIGTERM hands to. */
    Optional<URI> configuredPeer();

    /** True once intake has stopped (a hand-off or a drain): HTTP injection answers 503. */
    boolean intakeClosed();

    /** This pod's side of a peer's hand-off. */
    TransferReceiver receiver();

    /** Counts a batch received from a peer in the meters. */
    void received(TransferReceiver.Received batch);
}
