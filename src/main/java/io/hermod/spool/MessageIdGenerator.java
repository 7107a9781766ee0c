package io.hermod.spool;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands out strictly increasing {@link MessageId}s from any thread. An id is the clock shifted
 * left, or the previous id plus one when the clock has not moved (or went back), so ids stay
 * unique and ordered across a restart as long as the generator is seeded with the spool's
 * highest id.
 */
public final class MessageIdGenerator {

    private final AtomicLong last;
    private final LongSupplier clock;

    public MessageIdGenerator(long seed, LongSupplier clock) {
        this.last = new AtomicLong(seed);
        this.clock = clock;
    }

    public MessageId next() {
        long candidate = clock.getAsLong() << MessageId.SEQUENCE_BITS;
        return new MessageId(last.accumulateAndGet(candidate, (prev, now) -> Math.max(prev + 1, now)));
    }
}
