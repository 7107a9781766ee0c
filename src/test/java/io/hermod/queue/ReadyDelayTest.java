package io.hermod.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.shaping.Rate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long mail over a lane's max_ready waits before it is offered again. */
class ReadyDelayTest {

    @Test
    void unlimitedLane_ramping_up_doesNotHoldMailForSeconds() {
        // the peer benchmark's stall: 1024 ready, 130 started in the second the lane ramped up
        assertThat(SiteDispatcher.readyDelay(1024, 130, null)).isEqualTo(SiteDispatcher.UNLIMITED_READY_MILLIS);
    }

    @Test
    void unlimitedLane_drainingFast_waitsWhatItNeeds_notLessThanAFloor() {
        assertThat(SiteDispatcher.readyDelay(1000, 4000, null)).isEqualTo(250);
        assertThat(SiteDispatcher.readyDelay(10, 4000, null)).isEqualTo(SiteDispatcher.READY_RETRY_MILLIS / 5);
    }

    @Test
    void rateLimitedLane_waitsForItsLimit_evenForMinutes() {
        Rate tenPerMinute = new Rate(10, Duration.ofMinutes(1), 10);
        assertThat(SiteDispatcher.readyDelay(100, 0, tenPerMinute)).isEqualTo(300_000);
        assertThat(SiteDispatcher.readyDelay(20, 50, tenPerMinute)).isEqualTo(120_000);
    }

    @Test
    void rateNotKnownYet_comesBackSoon() {
        assertThat(SiteDispatcher.readyDelay(500, 0, null)).isEqualTo(SiteDispatcher.READY_RETRY_MILLIS);
    }
}
