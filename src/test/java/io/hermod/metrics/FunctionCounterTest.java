package io.hermod.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A counter read through a function (DNS queries, Redis calls) keeps counting after a garbage
 * collection: Micrometer holds the function weakly, and a method reference nobody else held used
 * to be collected, after which the counter read NaN.
 */
class FunctionCounterTest {

    @Test
    void aFunctionCounter_stillReadsAfterGarbageCollection() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HermodMetrics metrics = new HermodMetrics(registry);
        AtomicLong calls = new AtomicLong(41);
        metrics.counter("hermod.test.calls", "calls", calls::get);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        calls.incrementAndGet();
        FunctionCounter counter = registry.get("hermod.test.calls").functionCounter();
        assertThat(counter.count()).isEqualTo(42.0);
    }
}
