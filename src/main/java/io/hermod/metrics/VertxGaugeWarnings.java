package io.hermod.metrics;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drops Micrometer's warning about Vert.x's connection gauges, and only that one.
 *
 * <p>Vert.x's Micrometer metrics register {@code vertx.net.server.active.connections} (and its
 * other connection gauges) again for every connection; each registration hands back the one
 * counter kept per meter id, so the gauge counts every connection
 * (vert-x3/vertx-micrometer-metrics#259). Micrometer since 1.13.9 warns about a gauge registered
 * twice, so every Hermod logged "This Gauge has been already registered ... the registration will
 * be ignored" for a meter the dashboard plots, shortly after its second client connected. A warning
 * about any other meter, Hermod's own included, still reaches the log.
 */
public final class VertxGaugeWarnings implements Filter {

    /** Micrometer's logger; held here because {@code java.util.logging} keeps loggers only weakly. */
    private static final Logger MICROMETER = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

    private static final String[] DROPPED = {
        "This Gauge has been already registered (MeterId{name='vertx.",
        "This Meter has been already registered (MeterId{name='vertx.",
    };

    VertxGaugeWarnings() {
    }

    /** Installs the filter on Micrometer's logger; idempotent. */
    public static synchronized void install() {
        if (!(MICROMETER.getFilter() instanceof VertxGaugeWarnings)) {
            MICROMETER.setFilter(new VertxGaugeWarnings());
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message == null) {
            return true;
        }
        for (String dropped : DROPPED) {
            if (message.startsWith(dropped)) {
                return false;
            }
        }
        return true;
    }
}
