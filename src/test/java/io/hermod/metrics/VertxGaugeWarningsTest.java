package io.hermod.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class VertxGaugeWarningsTest {

    private final VertxGaugeWarnings filter = new VertxGaugeWarnings();

    private boolean logged(String message) {
        return filter.isLoggable(new LogRecord(Level.WARNING, message));
    }

    @Test
    void vertxConnectionGaugeRegisteredAgain_isDropped() {
        // Micrometer 1.16.8's text, as it reached the log
        assertThat(logged("This Gauge has been already registered (MeterId{name='vertx.net.server.active.connections',"
                + " tags=[]}), the registration will be ignored. Note that subsequent logs will be logged at debug level."))
                .isFalse();
        assertThat(logged("This Meter has been already registered (MeterId{name='vertx.http.server.active.connections',"
                + " tags=[]}), the registration will be ignored.")).isFalse();
    }

    @Test
    void anyOtherMeter_orAnyOtherMessage_stillReachesTheLog() {
        assertThat(logged("This Gauge has been already registered (MeterId{name='hermod.queue.messages', tags=[]}),"
                + " the registration will be ignored.")).isTrue();
        assertThat(logged("This Gauge has been already registered (MeterId{name='vertxish', tags=[]})")).isTrue();
        assertThat(logged("Failed to apply the value function for the gauge 'vertx.net.server.active.connections'."))
                .isTrue();
        assertThat(filter.isLoggable(new LogRecord(Level.WARNING, null))).isTrue();
    }

    @Test
    void install_isIdempotent_andKeepsOneFilter() {
        VertxGaugeWarnings.install();
        VertxGaugeWarnings.install();
        assertThat(java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry").getFilter())
                .isInstanceOf(VertxGaugeWarnings.class);
    }
}
