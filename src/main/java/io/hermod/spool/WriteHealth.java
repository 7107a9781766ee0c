package io.hermod.spool;

import java.time.Duration;

/**
 * Whether the spool's last write succeeded, fed by the writer thread after every batch. Readiness
 * reads it: a spool that cannot write must not be sent mail it would only answer {@code 451} to.
 * The first failure and the recovery are logged once each, never each failed write.
 */
final class WriteHealth {

    private static final System.Logger LOG = System.getLogger(WriteHealth.class.getName());

    private volatile boolean writable = true;
    /** Written and read on the writer thread only. */
    private long failedSince;
    private long failures;

    boolean writable() {
        return writable;
    }

    /** Called on the writer thread. */
    void succeeded() {
        if (writable) {
            return;
        }
        Duration down = Duration.ofNanos(System.nanoTime() - failedSince);
        LOG.log(System.Logger.Level.INFO, "spool: writable again after {0,number,#} failed writes in {1,number,#} s",
                failures, down.toSeconds());
        writable = true;
    }

    /** Called on the writer thread. */
    void failed(Throwable cause) {
        if (!writable) {
            failures++;
            return;
        }
        failedSince = System.nanoTime();
        failures = 1;
        writable = false;
        LOG.log(System.Logger.Level.ERROR, "spool: writes are failing, not ready until one succeeds: {0}",
                describe(cause));
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isEmpty() ? cause.getClass().getName() : message;
    }
}
