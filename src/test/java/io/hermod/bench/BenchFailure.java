package io.hermod.bench;

/** Stops a benchmark with a message that says what it was doing and what went wrong. */
final class BenchFailure extends RuntimeException {

    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
