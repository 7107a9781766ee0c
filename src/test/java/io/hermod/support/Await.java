package io.hermod.support;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds; fails with a description of the last state otherwise. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, long seconds, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s: " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
