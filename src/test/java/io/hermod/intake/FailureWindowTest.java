package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureWindowTest {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void clientOverTheLimit_isRefused_untilTheWindowHasPassed() throws Exception {
        FailureWindow window = new FailureWindow(3, Duration.ofMinutes(10));
        InetAddress guesser = InetAddress.getByName("192.0.2.7");
        InetAddress other = InetAddress.getByName("192.0.2.8");
        for (int i = 0; i < 3; i++) {
            assertThat(window.admits(guesser, i * MINUTE)).isTrue();
            window.record(guesser, i * MINUTE);
        }
        assertThat(window.admits(guesser, 5 * MINUTE)).isFalse();
        assertThat(window.admits(other, 5 * MINUTE)).isTrue();
        assertThat(window.admits(guesser, 10 * MINUTE)).isTrue();
        window.record(guesser, 10 * MINUTE);
        assertThat(window.admits(guesser, 11 * MINUTE)).isTrue();
    }
}
