package io.hermod.dns;

import io.hermod.config.DnsConfig;
import io.hermod.dns.Resolution.Failure;
import io.hermod.dns.Resolution.Hosts;
import io.vertx.core.Future;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.MxRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One uncached resolution of a domain's mail exchangers (RFC 5321 5.1, null MX of RFC 7505), with
 * how long its answer may be cached. Every future it returns succeeds: DNS errors become
 * {@link Failure}s.
 *
 * <p>DnsClient keeps only answer records named as the question, so anything behind a CNAME comes
 * back empty. When an MX or an A/AAAA pair is empty, the name's CNAME is looked up and followed
 * (at most {@link #MAX_CNAME_HOPS} times), as RFC 5321 5.1 asks.
 */
final class MxLookup {

  static final int MAX_CNAME_HOPS = 8;

  static final Failure NULL_MX = new Failure(true, 556, "5.1.10", "domain does not accept mail (null MX)");
  static final Failure NO_SUCH_DOMAIN = new Failure(true, 550, "5.1.2", "domain does not exist (NXDOMAIN)");
  static final Failure NO_MAIL_HOST = new Failure(true, 550, "5.4.4", "domain has neither MX nor A/AAAA records");

  /** A resolution and how long it may be cached; ttl null means not at all. */
  record Answer(Resolution resolution, Duration ttl) {
  }

  /** MX records found at the end of a CNAME chain starting at the domain, and that chain's end. */
  private record MxAnswer(String canonicalName, List<MxRecord> records) {
  }

  /** The outcome of one A or AAAA query: nxdomain and error (a failure's description) exclude each other. */
  private record Family(List<String> addresses, boolean nxdomain, String error) {
    boolean nodata() {
      return addresses.isEmpty() && !nxdomain && error == null;
    }
  }

  /** A host's addresses; error describes a failed query when the list may be incomplete. */
  private record Addresses(List<String> list, String error) {
  }

  private final NameServers dns;
  private final DnsConfig config;

  MxLookup(NameServers dns, DnsConfig config) {
    this.dns = dns;
    this.config = config;
  }

  /** domain is lower-case, without a trailing dot. */
  Future<Answer> run(String domain) {
    return mx(domain, 0).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(NameServers.isNxdomain(ar.cause())
            ? new Answer(NO_SUCH_DOMAIN, config.negativeTtl())
            : new Answer(transientFailure("MX lookup failed: " + NameServers.describe(ar.cause())), null));
      }
      MxAnswer mx = ar.result();
      if (mx.records().isEmpty()) {
        return implicit(domain, mx.canonicalName());
      }
      if (mx.records().stream().allMatch(MxLookup::isNullMx)) {
        return Future.succeededFuture(new Answer(NULL_MX, clamp(mx.records())));
      }
      return exchangers(mx.records());
    });
  }

  private Future<MxAnswer> mx(String name, int hops) {
    return dns.ask(DnsClient::resolveMX, name).compose(records -> {
      if (!records.isEmpty() || hops == MAX_CNAME_HOPS) {
        return Future.succeededFuture(new MxAnswer(name, records));
      }
      return canonical(name).compose(target -> target == null
          ? Future.succeededFuture(new MxAnswer(name, records))
          : mx(target, hops + 1));
    });
  }

  /** No MX: the domain itself is the mail host, with preference 0 (RFC 5321 5.1). */
  private Future<Answer> implicit(String domain, String canonicalName) {
    return addresses(canonicalName, 0).map(found -> {
      if (!found.list().isEmpty()) {
        return new Answer(new Hosts(List.of(new MxHost(domain, 0, found.list())), true), config.negativeTtl());
      }
      if (found.error() != null) {
        return new Answer(transientFailure("A/AAAA lookup failed: " + found.error()), null);
      }
      return new Answer(NO_MAIL_HOST, config.negativeTtl());
    });
  }

  private Future<Answer> exchangers(List<MxRecord> records) {
    // Lowest preference first; a host listed twice keeps its best preference. A null MX mixed
    // with real ones breaks RFC 7505 and is skipped, as Postfix does.
    Map<String, Integer> preferences = new LinkedHashMap<>();
    records.stream()
        .filter(r -> !isNullMx(r))
        .sorted(Comparator.comparingInt(MxRecord::priority))
        .forEach(r -> preferences.putIfAbsent(hostName(r.name()), r.priority()));
    List<String> names = List.copyOf(preferences.keySet());
    List<Future<Addresses>> lookups = names.stream().map(name -> addresses(name, 0)).toList();
    return Future.all(lookups).map(done -> {
      List<MxHost> hosts = new ArrayList<>();
      String error = null;
      for (int i = 0; i < names.size(); i++) {
        Addresses found = lookups.get(i).result();
        error = error != null ? error : found.error();
        if (!found.list().isEmpty()) {
          hosts.add(new MxHost(names.get(i), preferences.get(names.get(i)), found.list()));
        }
      }
      if (hosts.isEmpty()) {
        String reason = "no address for any MX host (" + String.join(", ", names) + ")"
            + (error != null ? ": A/AAAA lookup failed: " + error : "");
        return new Answer(new Failure(false, 451, "4.4.4", reason), null);
      }
      Duration ttl = clamp(records);
      // A host lost to a failed lookup should not stay missing for a whole MX TTL.
      if (error != null && ttl.compareTo(config.negativeTtl()) > 0) {
        ttl = config.negativeTtl();
      }
      return new Answer(new Hosts(hosts, false), ttl);
    });
  }

  /** A and AAAA of name (following a CNAME when both are empty); never fails. */
  private Future<Addresses> addresses(String name, int hops) {
    Future<Family> v4 = family(DnsClient::resolveA, name);
    Future<Family> v6 = family(DnsClient::resolveAAAA, name);
    return Future.all(v4, v6).compose(done -> {
      Family a = v4.result();
      Family aaaa = v6.result();
      List<String> all = new ArrayList<>(a.addresses());
      all.addAll(aaaa.addresses());
      Addresses found = new Addresses(all, a.error() != null ? a.error() : aaaa.error());
      if (!a.nodata() || !aaaa.nodata() || hops == MAX_CNAME_HOPS) {
        return Future.succeededFuture(found);
      }
      return canonical(name).compose(target -> target == null
          ? Future.succeededFuture(found)
          : addresses(target, hops + 1));
    });
  }

  private Future<Family> family(BiFunction<DnsClient, String, Future<List<String>>> query, String name) {
    return dns.ask(query, name).transform(ar -> Future.succeededFuture(ar.succeeded()
        ? new Family(ar.result(), false, null)
        : NameServers.isNxdomain(ar.cause())
            ? new Family(List.of(), true, null)
            : new Family(List.of(), false, NameServers.describe(ar.cause()))));
  }

  /**
   * The CNAME target of name, or null when it has none. A failed CNAME query counts as none: the
   * lookups that follow report the server's trouble themselves.
   */
  private Future<String> canonical(String name) {
    return dns.ask(DnsClient::resolveCNAME, name)
        .map(targets -> targets.isEmpty() ? null : hostName(targets.get(0)))
        .otherwise((String) null);
  }

  /** The minimum TTL of the records, within [dns.min_ttl, dns.max_ttl]. */
  private Duration clamp(List<MxRecord> records) {
    long seconds = records.stream().mapToLong(MxRecord::ttl).min().orElse(0);
    Duration ttl = Duration.ofSeconds(Math.max(0, seconds));
    if (ttl.compareTo(config.minTtl()) < 0) {
      return config.minTtl();
    }
    return ttl.compareTo(config.maxTtl()) > 0 ? config.maxTtl() : ttl;
  }

  private static boolean isNullMx(MxRecord r) {
    return r.name() == null || r.name().isEmpty() || r.name().equals(".");
  }

  private static String hostName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  static Failure transientFailure(String reason) {
    return new Failure(false, 451, "4.4.3", reason);
  }
}
