package io.hermod.dns;

import io.hermod.config.HostAndPort;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code delivery.routes}: an exact domain wins over {@code *}. */
public final class StaticRoutes {

    private final Map<String, HostAndPort> routes;

    public StaticRoutes(Map<String, HostAndPort> routes) {
        this.routes = Map.copyOf(routes);
    }

    public Optional<HostAndPort> route(String domain) {
        HostAndPort exact = routes.get(domain.toLowerCase(Locale.ROOT));
        return Optional.ofNullable(exact != null ? exact : routes.get("*"));
    }
}
