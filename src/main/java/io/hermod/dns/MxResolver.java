package io.hermod.dns;

import io.hermod.config.DnsConfig;
import io.hermod.config.HostAndPort;
import io.hermod.dns.MxLookup.Answer;
import io.hermod.dns.Resolution.Failure;
import io.hermod.dns.Resolution.Hosts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.IDN;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Resolves a recipient domain to the mail exchangers to try, with a cache per domain: MX answers
 * for their TTL within [dns.min_ttl, dns.max_ttl]; NXDOMAIN, "neither MX nor address" and
 * implicit-MX answers for dns.negative_ttl; transient failures not at all.
 *
 * <p>However many callers ask for a domain at once, one lookup is in flight for it: its future sits
 * in the map and every caller shares it. Results are handed back on the caller's own context, so a
 * queue shard's callback never runs on another shard's event loop.
 */
public final class MxResolver {

  static final Failure INVALID_DOMAIN = new Failure(true, 550, "5.1.2", "not a valid domain name");

  /** Expired entries of domains nobody asks for again are swept after this many lookups. */
  private static final int SWEEP_EVERY = 1024;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

  /** A resolution and when it stops being usable (Long.MIN_VALUE: at once). */
  private record Entry(Resolution resolution, long expiresAtMillis) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final NameServers servers;
  private final MxLookup lookup;
  private final ConcurrentHashMap<String, Future<Entry>> entries = new ConcurrentHashMap<>();
  private final AtomicLong lookups = new AtomicLong();

  /** An empty config.servers() means the nameservers of /etc/resolv.conf (127.0.0.1:53 if none). */
  public MxResolver(Vertx vertx, DnsConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  MxResolver(Vertx vertx, DnsConfig config, Clock clock) {
    List<HostAndPort> list = config.servers().isEmpty() ? ResolvConf.servers(ResolvConf.FILE) : config.servers();
    this.vertx = vertx;
    this.clock = clock;
    this.servers = new NameServers(vertx, list, config.timeout());
    this.lookup = new MxLookup(servers, config);
  }

  /** Never fails: DNS errors come back as Resolution.Failure. Callable from any event loop/thread concurrently. */
  public Future<Resolution> resolve(String domain) {
    String name = normalise(domain);
    if (name == null) {
      return Future.succeededFuture(INVALID_DOMAIN);
    }
    Future<Entry> entry = entry(name);
    if (entry.isComplete()) {
      return Future.succeededFuture(shuffled(entry.result().resolution()));
    }
    Context caller = vertx.getOrCreateContext();
    Promise<Resolution> promise = Promise.promise();
    entry.onComplete(ar -> caller.runOnContext(v -> promise.complete(shuffled(ar.result().resolution()))));
    return promise.future();
  }

  /** Number of DNS queries sent so far, counting each server asked. */
  public long queries() {
    return servers.queries();
  }

  /** The cached or in-flight entry for name, starting a lookup when there is none or it expired. */
  private Future<Entry> entry(String name) {
    while (true) {
      Future<Entry> current = entries.get(name);
      if (current != null && (!current.isComplete() || current.result().expiresAtMillis() > clock.millis())) {
        return current;
      }
      Promise<Entry> mine = Promise.promise();
      boolean won = current == null
          ? entries.putIfAbsent(name, mine.future()) == null
          : entries.replace(name, current, mine.future());
      if (won) {
        start(name, mine);
        return mine.future();
      }
    }
  }

  private void start(String name, Promise<Entry> promise) {
    if (lookups.incrementAndGet() % SWEEP_EVERY == 0) {
      long now = clock.millis();
      entries.values().removeIf(f -> f.isComplete() && f.result().expiresAtMillis() <= now);
    }
    Future<Answer> answer;
    try {
      answer = lookup.run(name);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer
        .otherwise(e -> new Answer(MxLookup.transientFailure("DNS lookup failed: " + NameServers.describe(e)), null))
        .onComplete(ar -> {
          Answer done = ar.result();
          boolean keep = done.ttl() != null && !done.ttl().isZero();
          if (!keep) {
            entries.remove(name, promise.future());
          }
          long expires = keep ? clock.millis() + done.ttl().toMillis() : Long.MIN_VALUE;
          promise.complete(new Entry(done.resolution(), expires));
        });
  }

  /** Equal preferences in a random order, so that load spreads over them (RFC 5321 5.1). */
  private static Resolution shuffled(Resolution resolution) {
    if (!(resolution instanceof Hosts hosts) || hosts.hosts().size() < 2) {
      return resolution;
    }
    List<MxHost> out = new ArrayList<>(hosts.hosts());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int start = 0, end; start < out.size(); start = end) {
      end = start + 1;
      while (end < out.size() && out.get(end).preference() == out.get(start).preference()) {
        end++;
      }
      Collections.shuffle(out.subList(start, end), random);
    }
    return new Hosts(out, hosts.implicit());
  }

  /** Lower-case ASCII (A-labels) without a trailing dot, or null when it cannot be a domain name. */
  static String normalise(String domain) {
    if (domain == null) {
      return null;
    }
    String name = domain.strip();
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    try {
      name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (name.isEmpty() || name.length() > 253) {
      return null;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return null;
      }
    }
    return name;
  }
}
