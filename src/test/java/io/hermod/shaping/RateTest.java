package io.hermod.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateTest {

    @Test
    void parsesCountPeriodAndBurst() {
        assertThat(Rate.parse("20/s")).isEqualTo(new Rate(20, Duration.ofSeconds(1), 1));
        assertThat(Rate.parse("1000/h")).isEqualTo(new Rate(1000, Duration.ofHours(1), 1));
        assertThat(Rate.parse("5/10m")).isEqualTo(new Rate(5, Duration.ofMinutes(10), 1));
        assertThat(Rate.parse(" 60 / min burst 10 ")).isEqualTo(new Rate(60, Duration.ofMinutes(1), 10));
        assertThat(Rate.parse("1/day")).isEqualTo(new Rate(1, Duration.ofDays(1), 1));
    }

    @Test
    void printsAsWritten() {
        assertThat(Rate.parse("20/s burst 40")).hasToString("20/s burst 40");
        assertThat(Rate.parse("5/10m")).hasToString("5/10min");
        assertThat(Rate.parse("60/h")).hasToString("60/h");
    }

    @Test
    void intervalAndTolerance() {
        Rate r = Rate.parse("20/s burst 5");
        assertThat(r.intervalNanos()).isEqualTo(50_000_000L);
        assertThat(r.toleranceNanos()).isEqualTo(200_000_000L);
        assertThat(r.perSecond()).isEqualTo(20.0);
    }

    @Test
    void refusesWhatIsNotARate() {
        for (String bad : new String[] {"20", "20/", "/s", "0/s", "20/fortnight", "20/s burst 0", "-1/s", "20/0s"}) {
            assertThatThrownBy(() -> Rate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a rate");
        }
    }
}
