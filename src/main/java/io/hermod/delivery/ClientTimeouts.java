package io.hermod.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** How long the outbound client waits at each step; RFC 5321 4.5.3.2 values unless overridden. */
public final class ClientTimeouts {

    private final Map<ClientStep, Duration> timeouts = new EnumMap<>(ClientStep.class);

    public static ClientTimeouts rfc5321() {
        return new ClientTimeouts();
    }

    private ClientTimeouts() {
        for (ClientStep step : ClientStep.values()) {
            timeouts.put(step, step.defaultTimeout());
        }
    }

    /** A copy with every step capped at {@code max} (tests use a short cap). */
    public ClientTimeouts cappedAt(Duration max) {
        ClientTimeouts copy = new ClientTimeouts();
        for (ClientStep step : ClientStep.values()) {
            Duration d = timeouts.get(step);
            copy.timeouts.put(step, d.compareTo(max) > 0 ? max : d);
        }
        return copy;
    }

    /** A copy with {@code step} waiting {@code timeout}. */
    public ClientTimeouts with(ClientStep step, Duration timeout) {
        ClientTimeouts copy = new ClientTimeouts();
        copy.timeouts.putAll(timeouts);
        copy.timeouts.put(step, timeout);
        return copy;
    }

    public Duration shortest() {
        return timeouts.values().stream().min(Duration::compareTo).orElseThrow();
    }

    public Duration of(ClientStep step) {
        return timeouts.get(step);
    }
}
