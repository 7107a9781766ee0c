package io.hermod.shaping;

import io.hermod.config.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The keys a shaping block may set, each with how it is written and its bounds (one table, as
 * {@code config/Keys} is for hermod.yaml). A rate may also be {@code unlimited}, held as an empty
 * {@link Optional}.
 */
public enum ShapingKey {
    CONNECTION_LIMIT("connection_limit", "connections open at once to the site from one source"),
    MAX_CONNECTION_RATE("max_connection_rate", "new connections per period (N/period [burst B], or unlimited)"),
    MAX_MESSAGE_RATE("max_message_rate", "messages per period (N/period [burst B], or unlimited)"),
    MAX_DELIVERIES_PER_CONNECTION("max_deliveries_per_connection", "transactions on one connection before it is closed"),
    MAX_RECIPIENTS_PER_TRANSACTION("max_recipients_per_transaction", "RCPTs in one transaction; the rest go in the next"),
    IDLE_TIMEOUT("idle_timeout", "how long an unused connection stays open"),
    CONNECT_TIMEOUT("connect_timeout", "how long to wait for the TCP connection"),
    DATA_TIMEOUT("data_timeout", "how long to wait for the reply to the end of data"),
    ENABLE_TLS("enable_tls", "opportunistic, required or disabled"),
    MAX_READY("max_ready", "deliveries waiting at the site × source; more are put back in the schedule"),
    RETRY_INITIAL("retry_initial", "first retry delay after a temporary failure"),
    RETRY_MAX("retry_max", "longest delay between retries"),
    RETRY_FACTOR("retry_factor", "each retry waits this many times longer than the last"),
    PIPELINE_AFTER_DATA("pipeline_after_data",
            "with PIPELINING, the next message's MAIL, RCPT and DATA go behind the final dot (true or false)");

    private final String yamlName;
    private final String meaning;

    ShapingKey(String yamlName, String meaning) {
        this.yamlName = yamlName;
        this.meaning = meaning;
    }

    public String yamlName() {
        return yamlName;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<ShapingKey> named(String name) {
        for (ShapingKey k : values()) {
            if (k.yamlName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /**
     * The typed value of {@code raw} (from YAML: a number, a string), checked against the key's
     * bounds. @throws IllegalArgumentException saying what is wrong with it
     */
    public Object parse(Object raw) {
        return switch (this) {
            case CONNECTION_LIMIT -> integer(raw, 1, 100_000);
            case MAX_DELIVERIES_PER_CONNECTION -> integer(raw, 1, 10_000_000);
            case MAX_RECIPIENTS_PER_TRANSACTION -> integer(raw, 1, 100_000);
            case MAX_READY -> integer(raw, 1, 10_000_000);
            case MAX_CONNECTION_RATE, MAX_MESSAGE_RATE -> rate(raw);
            case IDLE_TIMEOUT -> duration(raw, Duration.ZERO, Duration.ofHours(1));
            case CONNECT_TIMEOUT -> duration(raw, Duration.ofSeconds(1), Duration.ofMinutes(10));
            case DATA_TIMEOUT -> duration(raw, Duration.ofSeconds(1), Duration.ofHours(1));
            case ENABLE_TLS -> tls(raw);
            case RETRY_INITIAL -> duration(raw, Duration.ofSeconds(1), Duration.ofDays(1));
            case RETRY_MAX -> duration(raw, Duration.ofSeconds(1), Duration.ofDays(7));
            case RETRY_FACTOR -> factor(raw);
            case PIPELINE_AFTER_DATA -> bool(raw);
        };
    }

    /** The value as the file would write it. */
    public static String format(Object value) {
        if (value instanceof Optional<?> o) {
            return o.map(Object::toString).orElse("unlimited");
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof TlsMode t) {
            return t.keyword();
        }
        return String.valueOf(value);
    }

    private static int integer(Object raw, int min, int max) {
        long n;
        if (raw instanceof Integer || raw instanceof Long) {
            n = ((Number) raw).longValue();
        } else if (raw instanceof String s && s.strip().matches("\\d{1,12}")) {
            n = Long.parseLong(s.strip());
        } else {
            throw new IllegalArgumentException("not a whole number: " + quote(raw));
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    private static Double factor(Object raw) {
        double f;
        if (raw instanceof Number n) {
            f = n.doubleValue();
        } else if (raw instanceof String s && s.strip().matches("\\d{1,3}(\\.\\d{1,6})?")) {
            f = Double.parseDouble(s.strip());
        } else {
            throw new IllegalArgumentException("not a number: " + quote(raw));
        }
        if (f < 1.0 || f > 10.0) {
            throw new IllegalArgumentException("must be between 1 and 10, got " + raw);
        }
        return f;
    }

    private static Optional<Rate> rate(Object raw) {
        if (!(raw instanceof String s)) {
            throw new IllegalArgumentException("not a rate: " + quote(raw) + " (expected e.g. \"20/s\" or unlimited)");
        }
        if (s.strip().equalsIgnoreCase("unlimited")) {
            return Optional.empty();
        }
        return Optional.of(Rate.parse(s));
    }

    private static Duration duration(Object raw, Duration min, Duration max) {
        Duration d;
        if (raw instanceof Integer || raw instanceof Long) {
            d = Duration.ofSeconds(((Number) raw).longValue());
        } else if (raw instanceof String s) {
            try {
                d = Durations.parse(s);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a duration: " + quote(raw) + " (e.g. 30s, 5m, 1h)");
            }
        } else {
            throw new IllegalArgumentException("not a duration: " + quote(raw));
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", got " + Durations.format(d));
        }
        return d;
    }

    private static Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("must be true or false, got " + quote(raw));
    }

    private static TlsMode tls(Object raw) {
        if (raw instanceof String s) {
            for (TlsMode m : TlsMode.values()) {
                if (m.keyword().equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("must be opportunistic, required or disabled, got " + quote(raw));
    }

    static String quote(Object raw) {
        return raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw);
    }
}
