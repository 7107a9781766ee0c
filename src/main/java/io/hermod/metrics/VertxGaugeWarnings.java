package io.hermod.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A filter on Micrometer's logger that drops its warning about Vert.x's meters registered again,
 * and nothing else.
 *
 * <p>Vert.x's Micrometer metrics register {@code vertx.net.server.active.connections} (and its
 * other connection gauges) again for every connection; each registration hands back the one
 * counter kept per meter id, so the gauge counts every connection
 * (vert-x3/vertx-micrometer-metrics#259). Micrometer (since 1.13.9) warns about a meter registered
 * twice, once per JVM, and logs later ones at debug level. So every Hermod logged "This Gauge has
 * been already registered ... the registration will be ignored" shortly after its second client
 * connected, about a meter the dashboard plots. Hermod registers its own meters at start, before
 * any client, so a double registration of one of them would still be the one that warns.
 */
public final class VertxGaugeWarnings implements Filter {

    /** Micrometer's logger; held here because {@code java.util.logging} keeps loggers only weakly. */
    private static final Logger MICROMETER = Logger.getLogger(MeterRegistry.class.getName());

    /** Micrometer 1.16's text: "This Gauge (or FunctionCounter, FunctionTimer) has been already registered (MeterId{name='...". */
    private static final Pattern VERTX_REGISTERED_AGAIN =
            Pattern.compile("^This \\w+ has been already registered \\(MeterId\\{name='vertx\\.");

    private final Filter next;

    VertxGaugeWarnings(Filter next) {
        this.next = next;
    }

    /** Installs the filter on Micrometer's logger, ahead of any filter already there; idempotent. */
    public static synchronized void install() {
        Filter current = MICROMETER.getFilter();
        if (!(current instanceof VertxGaugeWarnings)) {
            MICROMETER.setFilter(new VertxGaugeWarnings(current));
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message != null && VERTX_REGISTERED_AGAIN.matcher(message).find()) {
            return false;
        }
        return next == null || next.isLoggable(record);
    }
}
