package io.hermod.delivery;

import io.hermod.smtp.EnhancedStatus;

/**
 * Why an attempt ended without a server reply deciding it, each kind with the RFC 3463 status it
 * is reported under (RFC 3463 3.5 for network and routing, 3.7 for security, 3.4 for the system).
 */
public enum Failure {
    /** The next hop could not be looked up: SERVFAIL, timeout, NXDOMAIN, null MX. */
    DNS(new EnhancedStatus(4, 4, 3)),
    /** No connection: refused, unreachable, connect timeout, or every host of the destination down. */
    CONNECT(new EnhancedStatus(4, 4, 1)),
    /** A step's timeout ran out while the server was silent. */
    TIMEOUT(new EnhancedStatus(4, 4, 2)),
    /** A TLS handshake failed, or TLS was required and not to be had. */
    TLS(new EnhancedStatus(4, 7, 5)),
    /** The connection closed under a transaction. */
    LOST_CONNECTION(new EnhancedStatus(4, 4, 2)),
    /** The server broke the protocol: a malformed reply, or a reply to no command. */
    PROTOCOL(new EnhancedStatus(4, 5, 0)),
    /** The body could not be read back from the spool. */
    SPOOL_READ(new EnhancedStatus(4, 3, 0)),
    /** Hermod will not send this message to this server: no SMTPUTF8, over its SIZE, an unusable address. */
    POLICY(new EnhancedStatus(5, 3, 0));

    private final EnhancedStatus status;

    Failure(EnhancedStatus status) {
        this.status = status;
    }

    /** The status reported when the failure brings none of its own. */
    public EnhancedStatus defaultStatus() {
        return status;
    }
}
