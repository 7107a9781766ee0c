package io.hermod.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class VertxGaugeWarningsTest {

    private final VertxGaugeWarnings filter = new VertxGaugeWarnings(null);

    private static LogRecord warning(String message) {
        return new LogRecord(Level.WARNING, message);
    }

    @Test
    void vertxMeterRegisteredAgain_isDropped() {
        // Micrometer 1.16.8's text, as it reached the log
        assertThat(filter.isLoggable(warning("This Gauge has been already registered (MeterId{name="
                + "'vertx.net.server.active.connections', tags=[]}), the registration will be ignored. Note that"
                + " subsequent logs will be logged at debug level."))).isFalse();
        assertThat(filter.isLoggable(warning("This FunctionCounter has been already registered (MeterId{name="
                + "'vertx.pool.completed', tags=[]}), the registration will be ignored."))).isFalse();
    }

    @Test
    void anyOtherMeter_orAnyOtherMessage_isLogged() {
        assertThat(filter.isLoggable(warning("This Gauge has been already registered (MeterId{name="
                + "'hermod.queue.messages', tags=[]}), the registration will be ignored."))).isTrue();
        assertThat(filter.isLoggable(warning("This Gauge has been already registered (MeterId{name='vertxish',"
                + " tags=[]})"))).isTrue();
        assertThat(filter.isLoggable(warning("Failed to apply the value function for the gauge"
                + " 'vertx.net.server.active.connections'."))).isTrue();
        assertThat(filter.isLoggable(warning(null))).isTrue();
    }

    @Test
    void aFilterAlreadyThere_stillDecidesTheRest() {
        Filter refuseAll = record -> false;
        VertxGaugeWarnings chained = new VertxGaugeWarnings(refuseAll);
        assertThat(chained.isLoggable(warning("This Gauge has been already registered (MeterId{name="
                + "'hermod.queue.messages', tags=[]})"))).isFalse();
    }

    @Test
    void install_isIdempotent() {
        Logger micrometer = Logger.getLogger(MeterRegistry.class.getName());
        Filter before = micrometer.getFilter();
        try {
            VertxGaugeWarnings.install();
            Filter installed = micrometer.getFilter();
            VertxGaugeWarnings.install();
            assertThat(installed).isInstanceOf(VertxGaugeWarnings.class);
            assertThat(micrometer.getFilter()).isSameAs(installed);
        } finally {
            micrometer.setFilter(before);
        }
    }
}
