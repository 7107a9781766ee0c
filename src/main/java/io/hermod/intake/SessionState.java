package io.hermod.intake;

/** Where an intake session stands; each command is allowed in some of these only. */
enum SessionState {
    /** Greeted, no HELO/EHLO yet. */
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
    /** QUIT, timeout or too many errors: nothing more is read. */
    CLOSED
}
