package io.hermod.queue;

import io.hermod.config.HostAndPort;
import io.hermod.delivery.Destination;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.dns.MxHost;
import io.hermod.dns.MxResolver;
import io.hermod.dns.Resolution;
import io.hermod.dns.StaticRoutes;
import io.hermod.metrics.HermodMetrics;
import io.hermod.shaping.ShapingStore;
import io.hermod.smtp.EnhancedStatus;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides where a domain's mail goes: a {@code delivery.routes} entry if there is one, else its MX
 * hosts on {@code delivery.smtp_port}. A lookup that fails says whether the failure is permanent
 * (null MX, NXDOMAIN: the recipients bounce) or transient (the delivery is retried). A domain in
 * {@code delivery.tls.required_domains} gets a destination that requires verified TLS, under a
 * pool key of its own.
 */
final class NextHop {

    /** The outcome of a lookup: a destination, or the failure every waiting recipient gets. */
    record Lookup(Destination destination, Outcome failure) {
        static Lookup found(Destination destination) {
            return new Lookup(destination, null);
        }

        static Lookup failed(boolean permanent, EnhancedStatus status, String reason) {
            EnhancedStatus s = status != null ? status : Failure.DNS.defaultStatus();
            if (permanent != (s.statusClass() == 5)) {
                s = new EnhancedStatus(permanent ? 5 : 4, s.subject(), s.detail());
            }
            return new Lookup(null, new Outcome.Failed(Failure.DNS, null, s, reason));
        }

        boolean found() {
            return destination != null;
        }
    }

    private final StaticRoutes routes;
    private final MxResolver resolver;
    private final int smtpPort;
    private final HermodMetrics metrics;
    private final Set<String> tlsRequired;

    private final ShapingStore shaping;

    NextHop(StaticRoutes routes, MxResolver resolver, int smtpPort, HermodMetrics metrics,
            Collection<String> tlsRequiredDomains, ShapingStore shaping) {
        this.shaping = shaping;
        this.routes = routes;
        this.resolver = resolver;
        this.smtpPort = smtpPort;
        this.metrics = metrics;
        Set<String> lower = new java.util.HashSet<>();
        for (String d : tlsRequiredDomains) {
            lower.add(d.toLowerCase(Locale.ROOT));
        }
        this.tlsRequired = Set.copyOf(lower);
    }

    /**
     * The destination of {@code domain}. A domain that requires TLS, or that has a shaping block
     * of its own, gets a site key of its own, so that neither its connections nor its limits are
     * shared with other domains.
     */
    Future<Lookup> lookup(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        boolean ownBlock = shaping != null && shaping.current().hasDomainBlock(lower);
        if (tlsRequired.isEmpty() && !ownBlock) {
            return find(domain);
        }
        return find(domain).map(lookup -> {
            if (!lookup.found()) {
                return lookup;
            }
            Destination d = tlsRequired.contains(lower) ? lookup.destination().requiringTls(lower) : lookup.destination();
            return Lookup.found(ownBlock ? Site.forDomain(d, lower) : d);
        });
    }

    private Future<Lookup> find(String domain) {
        var route = routes.route(domain);
        if (route.isPresent()) {
            HostAndPort hp = route.get();
            return Future.succeededFuture(Lookup.found(Destination.route(hp.host(), hp.port())));
        }
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return Future.succeededFuture(addressLiteral(domain));
        }
        long start = System.nanoTime();
        return resolver.resolve(domain).map(this::toLookup).andThen(ar -> {
            Lookup lookup = ar.result();
            metrics.dnsLookup(System.nanoTime() - start, lookup == null ? "transient"
                    : lookup.found() ? null : lookup.failure().permanent() ? "permanent" : "transient");
        });
    }

    /** {@code user@[192.0.2.1]} or {@code user@[IPv6:2001:db8::1]}: that address, no DNS (RFC 5321 4.1.3). */
    private Lookup addressLiteral(String domain) {
        String inner = domain.substring(1, domain.length() - 1);
        boolean v6 = inner.regionMatches(true, 0, "IPv6:", 0, 5);
        String address = v6 ? inner.substring(5) : inner;
        if (v6 ? address.indexOf(':') < 0 : !address.matches("[0-9.]+")) {
            // A general address literal ([tag:content]): intake refuses it at RCPT; one that was
            // queued before that fails at once rather than being retried for queue.max_age.
            return Lookup.failed(true, new EnhancedStatus(5, 1, 3), "unsupported address literal " + domain);
        }
        return Lookup.found(new Destination("literal:" + address + ":" + smtpPort,
                List.of(new Destination.Candidate(domain, address, smtpPort))));
    }

    private Lookup toLookup(Resolution resolution) {
        if (resolution instanceof Resolution.Failure f) {
            return Lookup.failed(f.permanent(), EnhancedStatus.of(f.enhancedStatus()), f.reason());
        }
        Resolution.Hosts hosts = (Resolution.Hosts) resolution;
        List<Destination.Candidate> candidates = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (MxHost host : hosts.hosts()) {
            names.add(host.name().toLowerCase(Locale.ROOT));
            for (String address : host.addresses()) {
                candidates.add(new Destination.Candidate(host.name(), address, smtpPort));
            }
        }
        return Lookup.found(new Destination("mx:" + String.join(",", names) + ":" + smtpPort, candidates));
    }
}
