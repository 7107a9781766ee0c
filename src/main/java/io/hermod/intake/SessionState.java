package io.hermod.intake;

/** Where an intake session stands; each command is allowed in some of these only. */
enum SessionState {
    /** Greeted (or TLS just started), no HELO/EHLO yet. */
    CONNECTED,
    /** HELO/EHLO done, no transaction open. */
    READY,
    /** MAIL accepted, no recipient yet. */
    MAIL,
    /** At least one RCPT accepted (or attempted). */
    RCPT,
    /** Receiving the message after 354. */
    DATA,
    /** End of data seen, waiting for the spool commit; input is paused. */
    COMMITTING,
    /** AUTH under way: the next line is a SASL response, not a command. */
    AUTH,
    /** Credentials are being checked; input is paused. */
    VERIFYING,
    /** STARTTLS accepted: nothing is read until the TLS handshake is done. */
    HANDSHAKE,
    /** QUIT, timeout or too many errors: nothing more is read. */
    CLOSED;

    /** Waiting for something other than the client: input stays unread (or, in HANDSHAKE, is dropped). */
    boolean waiting() {
        return this == COMMITTING || this == VERIFYING || this == HANDSHAKE;
    }
}
