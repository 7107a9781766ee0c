package io.hermod.queue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A spool write that failed is tried again, 1 s later and then doubling up to 30 s: about 4
 * minutes in all, well past RocksDB's 5 s check for free space after a full disk (see Spool), so
 * a disk-full episode that clears loses no "delivered" record, no delete and no move in the
 * schedule.
 */
final class SpoolRetries {

    private static final System.Logger LOG = System.getLogger(SpoolRetries.class.getName());

    static final int ATTEMPTS = 12;
    private static final long MAX_DELAY_SECONDS = 30;

    private SpoolRetries() {
    }

    /**
     * Runs {@code write} until it succeeds, then {@code then} with its result; after the last
     * attempt fails, logs {@code what} and runs {@code then} with null.
     */
    static <T> void write(Supplier<CompletableFuture<T>> write, String what, Consumer<T> then) {
        attempt(write, what, ATTEMPTS, then);
    }

    private static <T> void attempt(Supplier<CompletableFuture<T>> write, String what, int attemptsLeft,
                                    Consumer<T> then) {
        write.get().whenComplete((result, e) -> {
            if (e == null) {
                then.accept(result);
                return;
            }
            if (attemptsLeft > 1) {
                long delay = Math.min(MAX_DELAY_SECONDS, 1L << Math.min(5, ATTEMPTS - attemptsLeft));
                CompletableFuture.runAsync(() -> attempt(write, what, attemptsLeft - 1, then),
                        CompletableFuture.delayedExecutor(delay, TimeUnit.SECONDS));
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "spool: cannot write " + what + " after " + ATTEMPTS + " attempts: "
                    + e.getMessage());
            then.accept(null);
        });
    }
}
