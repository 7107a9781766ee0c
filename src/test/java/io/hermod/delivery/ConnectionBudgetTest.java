package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

    private static final Duration INITIAL = Duration.ofSeconds(60);
    private static final Duration MAX = Duration.ofHours(1);

    @Test
    void capCountsConnectionsOfEveryShard_andFreesOnRelease() {
        ConnectionBudget budget = new ConnectionBudget(2);
        assertThat(budget.tryAcquire("mx:a")).isTrue();
        assertThat(budget.tryAcquire("mx:a")).isTrue();
        assertThat(budget.tryAcquire("mx:a")).isFalse();
        assertThat(budget.tryAcquire("mx:b")).isTrue();
        budget.release("mx:a");
        assertThat(budget.tryAcquire("mx:a")).isTrue();
        assertThat(budget.total()).isEqualTo(3);
    }

    @Test
    void siteFailure_backsTheDestinationOffForAllShards_oncePerOutage() {
        ConnectionBudget budget = new ConnectionBudget(10);
        budget.siteFailed("mx:a", 1_000, INITIAL, MAX);
        assertThat(budget.backoffUntil("mx:a")).isEqualTo(61_000);
        // other shards' connections failing in the same outage do not escalate it
        budget.siteFailed("mx:a", 2_000, INITIAL, MAX);
        budget.siteFailed("mx:a", 3_000, INITIAL, MAX);
        assertThat(budget.backoffUntil("mx:a")).isEqualTo(61_000);
        assertThat(budget.backoffUntil("mx:b")).isZero();
        // failing again after the backoff doubles it
        budget.siteFailed("mx:a", 61_000, INITIAL, MAX);
        assertThat(budget.backoffUntil("mx:a")).isEqualTo(61_000 + 120_000);
    }

    @Test
    void anAnswer_resetsTheFailureCount() {
        ConnectionBudget budget = new ConnectionBudget(10);
        budget.siteFailed("mx:a", 0, INITIAL, MAX);
        budget.siteFailed("mx:a", 60_000, INITIAL, MAX);
        budget.siteAnswered("mx:a");
        assertThat(budget.backoffUntil("mx:a")).isZero();
        budget.siteFailed("mx:a", 500_000, INITIAL, MAX);
        assertThat(budget.backoffUntil("mx:a")).isEqualTo(560_000);
    }

    @Test
    void backoff_isCappedAtTheMaximum() {
        ConnectionBudget budget = new ConnectionBudget(10);
        long now = 0;
        for (int i = 0; i < 30; i++) {
            budget.siteFailed("mx:a", now, INITIAL, MAX);
            now = budget.backoffUntil("mx:a");
        }
        budget.siteFailed("mx:a", now, INITIAL, MAX);
        assertThat(budget.backoffUntil("mx:a") - now).isEqualTo(MAX.toMillis());
    }

    @Test
    void aServerThatHangsUpAfterEachMessage_isRecordedOnce_forEveryShard() {
        ConnectionBudget budget = new ConnectionBudget(10);
        assertThat(budget.hangsUpAfterEachMessage("mx:a")).isFalse();
        assertThat(budget.markHangsUpAfterEachMessage("mx:a")).isTrue();
        assertThat(budget.markHangsUpAfterEachMessage("mx:a")).isFalse(); // another shard sees it: no second warning
        assertThat(budget.hangsUpAfterEachMessage("mx:a")).isTrue();
        assertThat(budget.hangsUpAfterEachMessage("mx:b")).isFalse();
    }
}
