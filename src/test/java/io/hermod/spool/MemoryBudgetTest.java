package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    /** Runs tasks only when the test says so, as an event loop would run them later. */
    private static final class Later implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    @Test
    void reserve_upToTheCapacity_thenRefused_untilReleased() {
        MemoryBudget budget = new MemoryBudget(100);

        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(40)).isTrue();
        assertThat(budget.tryReserve(1)).isFalse();
        assertThat(budget.used()).isEqualTo(100);

        budget.release(40);
        assertThat(budget.tryReserve(41)).isFalse();
        assertThat(budget.tryReserve(40)).isTrue();
        budget.release(100);
        assertThat(budget.used()).isZero();
    }

    @Test
    void reservationLargerThanTheCapacity_isGrantedOnlyWhenNothingElseIsHeld() {
        MemoryBudget budget = new MemoryBudget(100);
        assertThat(budget.tryReserve(1)).isTrue();
        assertThat(budget.tryReserve(500)).isFalse();

        budget.release(1);
        assertThat(budget.tryReserve(500)).isTrue();
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(500);
        assertThat(budget.used()).isZero();
    }

    @Test
    void forcedReservation_goesPastTheCapacity_andHoldsBackTheNext() {
        MemoryBudget budget = new MemoryBudget(100);
        budget.forceReserve(150);

        assertThat(budget.used()).isEqualTo(150);
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(100);
        assertThat(budget.tryReserve(50)).isTrue();
    }

    @Test
    void waiters_areWokenInTheOrderTheyCame_andTheHeadHoldsBackThoseBehindIt() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        List<String> granted = new ArrayList<>();
        assertThat(budget.tryReserve(100)).isTrue();

        budget.reserveWhenFree(50, loop, () -> granted.add("first 50"));
        budget.reserveWhenFree(10, loop, () -> granted.add("second 10"));
        budget.reserveWhenFree(40, loop, () -> granted.add("third 40"));
        assertThat(budget.tryReserve(1)).as("no overtaking while others wait").isFalse();

        budget.release(30);
        loop.runAll();
        assertThat(granted).as("the second would fit, but the first comes first").isEmpty();

        budget.release(30);
        loop.runAll();
        assertThat(granted).containsExactly("first 50", "second 10");
        assertThat(budget.used()).isEqualTo(100);

        budget.release(40);
        loop.runAll();
        assertThat(granted).containsExactly("first 50", "second 10", "third 40");
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(100);
        assertThat(budget.tryReserve(1)).as("nobody waits any more").isTrue();
    }

    @Test
    void newWork_isAdmittedOnlyWhileAQuarterStaysFree() {
        MemoryBudget budget = new MemoryBudget(100);

        assertThat(budget.tryAdmit(50)).isTrue();
        assertThat(budget.tryAdmit(26)).isFalse();
        assertThat(budget.tryAdmit(25)).isTrue();
        assertThat(budget.tryReserve(25)).as("work in progress may use the last quarter").isTrue();
    }

    @Test
    void holdersWaitingForMore_areServedBeforeNewWork_evenWhenNewWorkCameFirst() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        List<String> granted = new ArrayList<>();
        assertThat(budget.tryAdmit(60)).isTrue();
        assertThat(budget.tryReserve(40)).isTrue();

        budget.admitWhenFree(30, loop, () -> granted.add("new work"));
        budget.reserveWhenFree(30, loop, () -> granted.add("holder"));
        budget.release(40);
        loop.runAll();

        assertThat(granted).containsExactly("holder");
        assertThat(budget.used()).isEqualTo(90);
        budget.release(30);
        loop.runAll();
        assertThat(granted).as("new work once three quarters are free of it").isEqualTo(List.of("holder"));
        budget.release(20);
        loop.runAll();
        assertThat(granted).containsExactly("holder", "new work");
        assertThat(budget.used()).isEqualTo(70);
    }

    @Test
    void waiter_whoseBytesAreFreeAlready_isGrantedAtOnce() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        AtomicBoolean granted = new AtomicBoolean();

        budget.reserveWhenFree(30, loop, () -> granted.set(true));
        loop.runAll();

        assertThat(granted).isTrue();
        assertThat(budget.used()).isEqualTo(30);
    }

    @Test
    void cancelledWaiter_leavesTheLine_andThoseBehindItMoveUp() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        List<String> granted = new ArrayList<>();
        budget.tryReserve(90);
        MemoryBudget.Waiter big = budget.reserveWhenFree(80, loop, () -> granted.add("big"));
        budget.reserveWhenFree(10, loop, () -> granted.add("small"));

        big.cancel();
        loop.runAll();

        assertThat(granted).containsExactly("small");
        assertThat(budget.used()).isEqualTo(100);
    }

    @Test
    void cancelAfterTheGrant_beforeItRan_givesTheBytesBack_andTheGrantNeverRuns() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        AtomicBoolean granted = new AtomicBoolean();
        budget.tryReserve(100);
        MemoryBudget.Waiter waiter = budget.reserveWhenFree(50, loop, () -> granted.set(true));
        budget.release(100);
        assertThat(budget.used()).as("granted, not yet run").isEqualTo(50);

        waiter.cancel();
        loop.runAll();

        assertThat(granted).isFalse();
        assertThat(budget.used()).isZero();
    }

    @Test
    void cancelAfterTheGrantRan_doesNothing() {
        MemoryBudget budget = new MemoryBudget(100);
        Later loop = new Later();
        MemoryBudget.Waiter waiter = budget.reserveWhenFree(50, loop, () -> { });
        loop.runAll();

        waiter.cancel();
        waiter.cancel();

        assertThat(budget.used()).as("the holder owns the bytes now").isEqualTo(50);
    }

    @Test
    void manyThreads_reservingAndReleasing_neverPassTheCapacity_andEndAtZero() throws Exception {
        MemoryBudget budget = new MemoryBudget(10_000);
        int threads = 8;
        AtomicInteger over = new AtomicInteger();
        AtomicInteger grantsOutstanding = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 20_000; i++) {
                    long bytes = 1 + random.nextInt(3000);
                    if (budget.tryReserve(bytes)) {
                        if (budget.used() > budget.capacity()) {
                            over.incrementAndGet();
                        }
                        budget.release(bytes);
                    } else if (i % 100 == 0) {
                        // Waiters granted on another thread release at once: the line always drains.
                        grantsOutstanding.incrementAndGet();
                        budget.reserveWhenFree(bytes, Runnable::run, () -> {
                            budget.release(bytes);
                            grantsOutstanding.decrementAndGet();
                        });
                    }
                }
                done.countDown();
            });
            thread.start();
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

        assertThat(over).hasValue(0);
        assertThat(grantsOutstanding).hasValue(0);
        assertThat(budget.used()).isZero();
    }
}
