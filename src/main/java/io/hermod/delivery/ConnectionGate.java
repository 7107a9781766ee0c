package io.hermod.delivery;

/**
 * What a pool asks before it opens a connection, and tells when one has closed: the site × source's
 * connection limit and connection rate (and its provider's), kept by whoever shapes the traffic.
 */
public interface ConnectionGate {

    /** Takes a lease for one more connection; false when a limit says not now. */
    boolean tryOpen();

    /** Gives back the lease of a connection that has closed (or could not be opened). */
    void closed();
}
