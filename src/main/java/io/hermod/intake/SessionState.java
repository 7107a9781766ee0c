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
    /**
     * Receiving the message, but the memory budget ({@code smtp.max_buffered_bytes}) cannot take the
     * next bytes: input is paused until it can, or until the wait runs out and the message is refused.
     */
    MEMORY_WAIT,
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
        return this == COMMITTING || this == VERIFYING || this == HANDSHAKE || this == MEMORY_WAIT;
    }
}
