package io.hermod.spool;

/** The spool could not be opened, read or written. */
public final class SpoolException extends RuntimeException {

    public SpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
