package io.hermod.queue;

import java.util.List;
import java.util.Map;

/**
 * One site as the API shows it: its key and name, provider, MX hosts, the domains whose mail it
 * carried lately (up to {@link Site#MAX_DOMAINS_SHOWN}), and per source the shaping
 * in force (value and origin per key), connections, waiting and in-flight deliveries, and any
 * suspension, automation override, bounce or backoff (epoch millis; 0 when none).
 */
public record SiteView(String key, String name, String provider, List<String> mxHosts, String ownDomain,
                       List<String> domains, List<LaneView> sources) {

    /** @param messageRate deliveries started per second over the last second */
    public record LaneView(String source, Map<String, Map<String, String>> shaping, int connections, int ready,
                           int inFlight, double messageRate, long suspendedUntil, String suspendedWhy, String automation,
                           long bouncingUntil, long backedOffUntil) {
    }
}
