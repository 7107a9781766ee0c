package io.hermod.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GcraTest {

    private final AtomicLong now = new AtomicLong(1);
    private final LocalThrottles throttles = new LocalThrottles(now::get);

    @Test
    void withoutBurst_unitsAreSpacedByTheInterval() {
        Rate rate = Rate.parse("10/s"); // 100 ms apart
        assertThat(throttles.acquire("k", rate)).isZero();
        assertThat(throttles.acquire("k", rate)).isEqualTo(100_000_000L);
        now.addAndGet(60_000_000L);
        assertThat(throttles.acquire("k", rate)).isEqualTo(40_000_000L);
        now.addAndGet(40_000_000L);
        assertThat(throttles.acquire("k", rate)).isZero();
    }

    @Test
    void overOneSecond_exactlyTheRateGoes() {
        Rate rate = Rate.parse("20/s");
        int sent = 0;
        for (long t = 0; t < 1_000_000_000L; t += 1_000_000L) { // ask every millisecond for a second
            now.set(1 + t);
            if (throttles.acquire("k", rate) == 0) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(20);
    }

    @Test
    void aBurstGoesAtOnceAfterAQuietSpell_thenTheRate() {
        Rate rate = Rate.parse("10/s burst 5");
        now.set(10_000_000_000L);
        for (int i = 0; i < 5; i++) {
            assertThat(throttles.acquire("k", rate)).as("unit %d of the burst", i).isZero();
        }
        assertThat(throttles.acquire("k", rate)).isEqualTo(100_000_000L);
        // Over ten seconds of asking: the burst, then 10 a second.
        int sent = 0;
        for (long t = 0; t < 10_000_000_000L; t += 1_000_000L) {
            now.set(10_000_000_000L + t);
            if (throttles.acquire("k", rate) == 0) {
                sent++;
            }
        }
        assertThat(sent).isBetween(99, 100);
    }

    @Test
    void keysAreIndependent_andARefundGivesTheUnitBack() {
        Rate rate = Rate.parse("1/s");
        assertThat(throttles.acquire("a", rate)).isZero();
        assertThat(throttles.acquire("b", rate)).isZero();
        assertThat(throttles.acquire("a", rate)).isPositive();
        throttles.refund("a", rate);
        assertThat(throttles.acquire("a", rate)).isZero();
    }
}
