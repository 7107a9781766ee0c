package io.hermod.api;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of slots, taken and given back from any thread. Never more than {@code max} are
 * taken, not even for a moment: a refused caller does not take one and give it back, so it cannot
 * crowd out a caller that would have fitted.
 */
final class Slots {

    private final AtomicInteger taken = new AtomicInteger();
    private final int max;

    Slots(int max) {
        this.max = max;
    }

    boolean tryTake() {
        while (true) {
            int current = taken.get();
            if (current >= max) {
                return false;
            }
            if (taken.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void giveBack() {
        taken.decrementAndGet();
    }
}
