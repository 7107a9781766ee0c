package io.hermod.delivery;

/**
 * Opportunistic STARTTLS broke the connection (the handshake failed, the server hung up or sent
 * garbage after its 220): the pool tries the same host again in plain text (RFC 7435 4).
 */
final class StartTlsException extends Exception {

    StartTlsException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
