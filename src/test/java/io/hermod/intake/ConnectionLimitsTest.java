package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    private static final InetAddress A = SessionHarness.address("192.0.2.1");
    private static final InetAddress B = SessionHarness.address("192.0.2.2");
    private static final InetAddress C = SessionHarness.address("2001:db8::3");

    @Test
    void belowBothLimits_admits() {
        ConnectionLimits limits = new ConnectionLimits(3, 2);
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(B)).isTrue();
        assertThat(limits.open()).isEqualTo(2);
    }

    @Test
    void perAddressLimit_refusesThatAddressOnly_andCountsNothing() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(A)).isTrue();

        assertThat(limits.tryAcquire(A)).isFalse();
        assertThat(limits.open()).isEqualTo(2);
        assertThat(limits.tryAcquire(B)).isTrue();
    }

    @Test
    void totalLimit_refusesEveryAddress_andCountsNothing() {
        ConnectionLimits limits = new ConnectionLimits(2, 5);
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(B)).isTrue();

        assertThat(limits.tryAcquire(C)).isFalse();
        assertThat(limits.open()).isEqualTo(2);
        limits.release(B);
        assertThat(limits.tryAcquire(C)).isTrue();
    }

    @Test
    void release_freesThePerAddressSlot() {
        ConnectionLimits limits = new ConnectionLimits(10, 1);
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(A)).isFalse();

        limits.release(A);

        assertThat(limits.open()).isZero();
        assertThat(limits.tryAcquire(A)).isTrue();
    }

    @Test
    void refusalByTheTotalLimit_doesNotTakeAPerAddressSlot() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(B)).isFalse();

        limits.release(A);

        assertThat(limits.tryAcquire(B)).isTrue();
    }

    @Test
    void concurrentAcquires_neverExceedTheTotal() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(50, 1000);
        AtomicInteger admitted = new AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    if (limits.tryAcquire(A)) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(admitted.get()).isEqualTo(50);
        assertThat(limits.open()).isEqualTo(50);
    }
}
