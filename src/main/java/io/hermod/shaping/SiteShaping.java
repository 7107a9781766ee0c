package io.hermod.shaping;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The shaping in force for one site × source: every key's value and the block it came from
 * ({@code built-in provider gmail}, {@code shaping.yaml domain example.com source ip-a},
 * {@code hermod.yaml delivery.max_connections_per_destination}, {@code automation yahoo-tss04}).
 */
public final class SiteShaping {

    private final EnumMap<ShapingKey, Object> values;
    private final EnumMap<ShapingKey, String> origins;

    SiteShaping(EnumMap<ShapingKey, Object> values, EnumMap<ShapingKey, String> origins) {
        for (ShapingKey k : ShapingKey.values()) {
            if (!values.containsKey(k)) {
                throw new IllegalStateException("no value for " + k.yamlName());
            }
        }
        this.values = values;
        this.origins = origins;
    }

    /** The same with {@code overrides} on top, each from {@code origin}. */
    public SiteShaping with(Map<ShapingKey, Object> overrides, String origin) {
        EnumMap<ShapingKey, Object> v = new EnumMap<>(values);
        EnumMap<ShapingKey, String> o = new EnumMap<>(origins);
        overrides.forEach((k, value) -> {
            v.put(k, value);
            o.put(k, origin);
        });
        return new SiteShaping(v, o);
    }

    public int connectionLimit() {
        return (Integer) values.get(ShapingKey.CONNECTION_LIMIT);
    }

    /** Null when unlimited. */
    public Rate maxConnectionRate() {
        return rate(ShapingKey.MAX_CONNECTION_RATE);
    }

    /** Null when unlimited. */
    public Rate maxMessageRate() {
        return rate(ShapingKey.MAX_MESSAGE_RATE);
    }

    public int maxDeliveriesPerConnection() {
        return (Integer) values.get(ShapingKey.MAX_DELIVERIES_PER_CONNECTION);
    }

    public int maxRecipientsPerTransaction() {
        return (Integer) values.get(ShapingKey.MAX_RECIPIENTS_PER_TRANSACTION);
    }

    public Duration idleTimeout() {
        return (Duration) values.get(ShapingKey.IDLE_TIMEOUT);
    }

    public Duration connectTimeout() {
        return (Duration) values.get(ShapingKey.CONNECT_TIMEOUT);
    }

    public Duration dataTimeout() {
        return (Duration) values.get(ShapingKey.DATA_TIMEOUT);
    }

    public TlsMode enableTls() {
        return (TlsMode) values.get(ShapingKey.ENABLE_TLS);
    }

    public int maxReady() {
        return (Integer) values.get(ShapingKey.MAX_READY);
    }

    public Duration retryInitial() {
        return (Duration) values.get(ShapingKey.RETRY_INITIAL);
    }

    public Duration retryMax() {
        return (Duration) values.get(ShapingKey.RETRY_MAX);
    }

    public double retryFactor() {
        return (Double) values.get(ShapingKey.RETRY_FACTOR);
    }

    /** Whether the next message may follow the previous one's final dot in the same write (RFC 2920 3.1). */
    public boolean pipelineAfterData() {
        return (Boolean) values.get(ShapingKey.PIPELINE_AFTER_DATA);
    }

    public Object value(ShapingKey key) {
        return values.get(key);
    }

    public String origin(ShapingKey key) {
        return origins.get(key);
    }

    /** key name to {@code {value, from}}, in table order, for the API. */
    public Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (ShapingKey k : ShapingKey.values()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("value", ShapingKey.format(values.get(k)));
            entry.put("from", origins.get(k));
            out.put(k.yamlName(), Collections.unmodifiableMap(entry));
        }
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private Rate rate(ShapingKey key) {
        return ((Optional<Rate>) values.get(key)).orElse(null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteShaping s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
