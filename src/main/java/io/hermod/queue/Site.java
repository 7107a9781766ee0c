package io.hermod.queue;

import io.hermod.delivery.Destination;
import io.hermod.shaping.AutomationRule;
import io.hermod.shaping.ProviderLimits;
import io.hermod.shaping.Shaping;
import io.hermod.shaping.SourceRotation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A destination (an MX host set, a route) for the whole process, with one {@link Lane} per egress
 * source that has sent to it. A domain with a shaping block of its own has a site of its own
 * ({@link #forDomain}), so that its limits are its alone; other domains sharing MX hosts share
 * the site and its limits (KumoMTA's MX rollup). Owned by one shard's event loop.
 */
final class Site {

    private static final String OWN = "domain:";

    final String key;
    Destination destination;
    /** The domain whose block shapes this site, when it has a site of its own; else null. */
    final String ownDomain;
    /** The MX host names (lower case, no trailing dot); empty for a route or an address literal. */
    final List<String> mxHosts;
    /** The domain the site was made for: a provider matched by domain suffix is matched against it. */
    String firstDomain;
    /** The matching provider block's name at the last shaping change, or null. */
    String provider;
    int shapingGeneration = -1;
    /** The automation rules for this site's replies, taken at the last shaping change. */
    List<AutomationRule> rules = List.of();
    final Map<String, Lane> lanes = new LinkedHashMap<>();
    /** The domains whose mail came here lately (the first {@link #MAX_DOMAINS_SHOWN}), for the API. */
    final Set<String> domains = new LinkedHashSet<>();
    static final int MAX_DOMAINS_SHOWN = 100;
    /** Domains whose mail was sent back to the schedule because every source was suspended. */
    final Set<String> postponedDomains = new HashSet<>();
    private final Map<String, SourceRotation> rotations = new HashMap<>();
    private final Map<String, ProviderLimits> providerLimits = new HashMap<>();

    Site(Destination destination) {
        this.key = destination.key();
        this.destination = destination;
        this.ownDomain = key.startsWith(OWN) ? key.substring(OWN.length(), key.indexOf('|')) : null;
        TreeSet<String> names = new TreeSet<>();
        if (key.contains("mx:")) {
            for (Destination.Candidate c : destination.candidates()) {
                String n = c.name().toLowerCase(Locale.ROOT);
                names.add(n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
            }
        }
        this.mxHosts = List.copyOf(names);
    }

    /** The destination of {@code domain}, under a site key of its own (its shaping block is its alone). */
    static Destination forDomain(Destination destination, String domain) {
        return new Destination(OWN + domain.toLowerCase(Locale.ROOT) + "|" + destination.key(),
                destination.candidates(), destination.tlsRequiredFor());
    }

    /** A name for the site in logs and the API: its own domain, or its first MX host, or its key. */
    String name() {
        if (ownDomain != null) {
            return ownDomain;
        }
        return mxHosts.isEmpty() ? key : mxHosts.get(0);
    }

    /** Takes the shaping in force from {@code shaping} (after a change): provider, rotations. */
    void reshaped(Shaping shaping, int generation, String domain) {
        if (firstDomain == null) {
            firstDomain = domain;
        }
        shapingGeneration = generation;
        provider = shaping.provider(ownDomain != null ? ownDomain : firstDomain, mxHosts);
        rules = shaping.rules(provider);
        rotations.clear();
        providerLimits.clear();
    }

    /** The provider-wide limits for {@code source}: what the provider's blocks set is shared by all its sites. */
    ProviderLimits providerLimits(Shaping shaping, String source) {
        return providerLimits.computeIfAbsent(source, s -> shaping.providerLimits(provider, s));
    }

    /** What the API shows of this site. */
    SiteView view(long now) {
        List<SiteView.LaneView> views = new ArrayList<>(lanes.size());
        for (Lane lane : lanes.values()) {
            views.add(lane.view(now));
        }
        return new SiteView(key, name(), provider, mxHosts, ownDomain, List.copyOf(domains), views);
    }

    SourceRotation rotation(Shaping shaping, String pool) {
        return rotations.computeIfAbsent(pool, p -> new SourceRotation(shaping.pool(p)));
    }
}
