package io.hermod.config;

import static io.hermod.config.ValueTypes.redisUrl;
import static io.hermod.config.ValueTypes.bool;
import static io.hermod.config.ValueTypes.choice;
import static io.hermod.config.ValueTypes.cidrs;
import static io.hermod.config.ValueTypes.decimal;
import static io.hermod.config.ValueTypes.domains;
import static io.hermod.config.ValueTypes.duration;
import static io.hermod.config.ValueTypes.hostAndPort;
import static io.hermod.config.ValueTypes.hostAndPorts;
import static io.hermod.config.ValueTypes.hostname;
import static io.hermod.config.ValueTypes.httpUrl;
import static io.hermod.config.ValueTypes.integer;
import static io.hermod.config.ValueTypes.integerOrAuto;
import static io.hermod.config.ValueTypes.offOr;
import static io.hermod.config.ValueTypes.optional;
import static io.hermod.config.ValueTypes.path;
import static io.hermod.config.ValueTypes.readableFile;
import static io.hermod.config.ValueTypes.routes;
import static io.hermod.config.ValueTypes.size;
import static io.hermod.config.ValueTypes.sizeOrAuto;
import static io.hermod.config.ValueTypes.token;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key, its default and its bounds, in one table (as Postfix's
 * {name, default, min, max} tables). conf/hermod.yaml documents the same keys; a test keeps the two equal.
 */
final class Keys {

  static final Key<String> HOSTNAME = key("hostname", "", hostname());

  static final Key<List<HostAndPort>> SMTP_LISTEN = key("smtp.listen", "127.0.0.1:2525", hostAndPorts(0, -1, false));
  static final Key<Long> SMTP_MAX_MESSAGE_SIZE = key("smtp.max_message_size", "52428800", size(1024, 1L << 30));
  static final Key<Integer> SMTP_MAX_RECIPIENTS = key("smtp.max_recipients", "1000", integer(1, 100_000));
  static final Key<List<Cidr>> SMTP_RELAY_NETWORKS = key("smtp.relay_networks", "127.0.0.0/8,::1/128", cidrs());
  static final Key<Duration> SMTP_IDLE_TIMEOUT = key("smtp.idle_timeout", "300s", duration("1s", "1h"));
  static final Key<Integer> SMTP_MAX_CONNECTIONS = key("smtp.max_connections", "2000", integer(1, 1_000_000));
  static final Key<Integer> SMTP_MAX_CONNECTIONS_PER_IP =
      key("smtp.max_connections_per_ip", "100", integer(1, 1_000_000));
  static final Key<Integer> SMTP_MAX_ERRORS = key("smtp.max_errors", "10", integer(1, 1000));
  static final Key<Integer> SMTP_MAX_HOPS = key("smtp.max_hops", "50", integer(1, 1000));
  // Mail in progress in the whole process (SMTP and HTTP); at least a few spool chunks, so a session
  // can always make progress. auto = a quarter of the heap (-Xmx), whatever the container gives it.
  static final Key<Long> SMTP_MAX_BUFFERED_BYTES = key("smtp.max_buffered_bytes", "auto",
      sizeOrAuto(1L << 20, 1L << 40, () -> Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4)));

  // Off by default; the relations between them (submission needs TLS and AUTH) are in checkRelations.
  static final Key<List<HostAndPort>> SUBMISSION_LISTEN = key("submission.listen", "off", listeners());
  static final Key<List<HostAndPort>> SUBMISSIONS_LISTEN = key("submissions.listen", "off", listeners());
  static final Key<Optional<Path>> TLS_CERT = key("tls.cert", null, optional(readableFile()));
  static final Key<Optional<Path>> TLS_KEY = key("tls.key", null, optional(readableFile()));
  static final Key<Optional<Path>> AUTH_USERS = key("auth.users", null, optional(readableFile()));

  static final Key<HostAndPort> HTTP_LISTEN = key("http.listen", "127.0.0.1:8025", hostAndPort(0));
  static final Key<Optional<String>> HTTP_TOKEN = key("http.token", null, optional(token()));
  static final Key<Duration> HTTP_IDLE_TIMEOUT = key("http.idle_timeout", "60s", duration("1s", "1h"));
  static final Key<Integer> HTTP_MAX_CONNECTIONS = key("http.max_connections", "256", integer(1, 100_000));
  static final Key<Integer> HTTP_INJECT_MAX_RECIPIENTS =
      key("http.inject.max_recipients", "100000", integer(1, 10_000_000));

  static final Key<Path> SPOOL_PATH = key("spool.path", "data/spool", path());

  // One per event loop (HermodConfig.eventLoops()), so that each shard has a loop of its own.
  static final Key<Integer> QUEUE_SHARDS =
      key("queue.shards", "auto", integerOrAuto(1, 1024, HermodConfig::eventLoops));
  static final Key<Duration> QUEUE_RETRY_INITIAL = key("queue.retry.initial", "60s", duration("1s", "1d"));
  static final Key<Duration> QUEUE_RETRY_MAX = key("queue.retry.max", "1h", duration("1s", "7d"));
  static final Key<Double> QUEUE_RETRY_FACTOR = key("queue.retry.factor", "2", decimal(1.0, 10.0));
  static final Key<Duration> QUEUE_MAX_AGE = key("queue.max_age", "5d", duration("1s", "30d"));
  static final Key<Optional<Duration>> QUEUE_DELAY_WARNING =
      key("queue.delay_warning", "off", offOr(duration("1s", "30d").map(Optional::of), Optional.empty()));

  static final Key<Integer> QUEUE_MAX_READY = key("queue.max_ready", "1024", integer(1, 10_000_000));

  static final Key<Integer> DELIVERY_MAX_CONNECTIONS_PER_DESTINATION =
      key("delivery.max_connections_per_destination", "20", integer(1, 10_000));
  static final Key<Integer> DELIVERY_MAX_MESSAGES_PER_CONNECTION =
      key("delivery.max_messages_per_connection", "1000", integer(1, 1_000_000));
  static final Key<Integer> DELIVERY_MAX_RECIPIENTS_PER_TRANSACTION =
      key("delivery.max_recipients_per_transaction", "100", integer(1, 100_000));
  static final Key<Integer> DELIVERY_SMTP_PORT = key("delivery.smtp_port", "25", integer(1, 65535));
  static final Key<Map<String, HostAndPort>> DELIVERY_ROUTES = key("delivery.routes", "", routes());
  static final Key<List<String>> DELIVERY_TLS_REQUIRED_DOMAINS = key("delivery.tls.required_domains", "", domains());

  static final Key<List<HostAndPort>> DNS_SERVERS = key("dns.servers", "", hostAndPorts(1, 53, true));
  static final Key<Duration> DNS_TIMEOUT = key("dns.timeout", "5s", duration("100ms", "60s"));
  static final Key<Duration> DNS_MIN_TTL = key("dns.min_ttl", "5s", duration("0s", "1h"));
  static final Key<Duration> DNS_MAX_TTL = key("dns.max_ttl", "1h", duration("1s", "1d"));
  // DnsClient reports no SOA TTL for negative answers, so their cache time is configured.
  static final Key<Duration> DNS_NEGATIVE_TTL = key("dns.negative_ttl", "60s", duration("1s", "1h"));

  static final Key<Path> LOG_EVENTS = key("log.events", "data/events.log", path());

  static final Key<Duration> SHUTDOWN_GRACE = key("shutdown.grace", "25s", duration("0s", "1h"));

  // Nothing is signed by default. Their text form (environment) is the same structure as YAML flow or JSON.
  static final Key<Map<String, List<DkimSignerConfig>>> DKIM_DOMAINS = key("dkim.domains", "{}", DkimTypes.domains());
  static final Key<Optional<DkimSignerConfig>> DKIM_DEFAULT = key("dkim.default", "off", DkimTypes.defaultSigner());

  // The operator's classification rules, read before the table in the jar; unset = the table alone.
  // The operator's shaping file, laid over the built-in one in the jar; unset = the built-in one alone.
  static final Key<Optional<Path>> SHAPING_PATH = key("shaping.path", null, optional(readableFile()));

  // Cluster-wide limits: unset = each process keeps its own.
  static final Key<Optional<String>> CLUSTER_REDIS = key("cluster.redis", null, optional(redisUrl()));

  static final Key<Optional<Path>> BOUNCE_RULES = key("bounce.rules", null, optional(readableFile()));

  // Opt-in: a list that refuses mail needs an operator who knows it is there.
  static final Key<Boolean> SUPPRESSION_ENABLED = key("suppression.enabled", "false", bool());
  static final Key<Optional<Duration>> SUPPRESSION_TTL =
      key("suppression.ttl", "off", offOr(duration("1m", "3650d").map(Optional::of), Optional.empty()));
  static final Key<SuppressionConfig.Scope> SUPPRESSION_SCOPE = key("suppression.scope", "sender_domain",
      choice(Map.of("sender_domain", SuppressionConfig.Scope.SENDER_DOMAIN, "global", SuppressionConfig.Scope.GLOBAL)));

  // Off by default. Mail to these domains is consumed (bounces, feedback reports), never relayed.
  static final Key<List<String>> INBOUND_DOMAINS = key("inbound.domains", "", domains());
  static final Key<Long> INBOUND_MAX_SIZE = key("inbound.max_size", "1048576", size(16 * 1024, 50L << 20));
  static final Key<Optional<String>> DELIVERY_RETURN_PATH =
      key("delivery.return_path", "off", offOr(domain().map(Optional::of), Optional.empty()));
  static final Key<Optional<String>> FEEDBACK_SECRET = key("feedback.secret", null, optional(secret()));
  // Queue hand-off (README, "Queue hand-off"): where SIGTERM sends the queue; unset = it stays on the volume.
  static final Key<Optional<java.net.URI>> CLUSTER_HANDOFF_TO = key("cluster.handoff_to", null, optional(httpUrl()));
  // The peer's http.token; unset = this pod's own http.token (one Secret for the StatefulSet).
  static final Key<Optional<String>> CLUSTER_HANDOFF_TOKEN = key("cluster.handoff_token", null, optional(token()));
  static final Key<Duration> CLUSTER_HANDOFF_TIMEOUT = key("cluster.handoff_timeout", "5m", duration("1s", "1d"));

  static final List<Key<?>> ALL = List.of(HOSTNAME,
      SMTP_LISTEN, SMTP_MAX_MESSAGE_SIZE, SMTP_MAX_RECIPIENTS, SMTP_RELAY_NETWORKS, SMTP_IDLE_TIMEOUT,
      SMTP_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_PER_IP, SMTP_MAX_ERRORS, SMTP_MAX_HOPS, SMTP_MAX_BUFFERED_BYTES,
      SUBMISSION_LISTEN, SUBMISSIONS_LISTEN, TLS_CERT, TLS_KEY, AUTH_USERS,
      HTTP_LISTEN, HTTP_TOKEN, HTTP_IDLE_TIMEOUT, HTTP_MAX_CONNECTIONS, HTTP_INJECT_MAX_RECIPIENTS, SPOOL_PATH,
      QUEUE_SHARDS, QUEUE_RETRY_INITIAL, QUEUE_RETRY_MAX, QUEUE_RETRY_FACTOR, QUEUE_MAX_AGE, QUEUE_DELAY_WARNING, QUEUE_MAX_READY,
      DELIVERY_MAX_CONNECTIONS_PER_DESTINATION, DELIVERY_MAX_MESSAGES_PER_CONNECTION,
      DELIVERY_MAX_RECIPIENTS_PER_TRANSACTION, DELIVERY_SMTP_PORT,
      DELIVERY_ROUTES, DELIVERY_TLS_REQUIRED_DOMAINS,
      DNS_SERVERS, DNS_TIMEOUT, DNS_MIN_TTL, DNS_MAX_TTL, DNS_NEGATIVE_TTL, LOG_EVENTS, SHUTDOWN_GRACE,
      DKIM_DOMAINS, DKIM_DEFAULT, BOUNCE_RULES, SHAPING_PATH, CLUSTER_REDIS, SUPPRESSION_ENABLED, SUPPRESSION_TTL,
      SUPPRESSION_SCOPE, INBOUND_DOMAINS, INBOUND_MAX_SIZE, DELIVERY_RETURN_PATH, FEEDBACK_SECRET,
      CLUSTER_HANDOFF_TO, CLUSTER_HANDOFF_TOKEN, CLUSTER_HANDOFF_TIMEOUT);

  private static final Map<String, Key<?>> BY_PATH = index(Key::path);
  private static final Map<String, Key<?>> BY_ENV_NAME = index(Key::envName);
  private static final Set<String> SECTIONS = sections();

  private Keys() {
  }

  /** The key with this dotted path, or null. */
  static Key<?> byPath(String path) {
    return BY_PATH.get(path);
  }

  /** The key whose environment variable this is, or null. */
  static Key<?> byEnvName(String name) {
    return BY_ENV_NAME.get(name);
  }

  /** True for a path that holds keys rather than a value: "smtp", "queue.retry", "delivery.tls". */
  static boolean isSection(String path) {
    return SECTIONS.contains(path);
  }

  /** Rules between keys, checked after every key has its value. */
  static void checkRelations(Settings settings) {
    Duration initial = settings.get(QUEUE_RETRY_INITIAL);
    Duration max = settings.get(QUEUE_RETRY_MAX);
    if (max.compareTo(initial) < 0) {
      throw settings.error(QUEUE_RETRY_MAX, "must be at least queue.retry.initial ("
          + Durations.format(initial) + "), got " + Durations.format(max));
    }
    Duration maxAge = settings.get(QUEUE_MAX_AGE);
    Optional<Duration> warning = settings.get(QUEUE_DELAY_WARNING);
    if (warning.isPresent() && warning.get().compareTo(maxAge) >= 0) {
      throw settings.error(QUEUE_DELAY_WARNING, "must be less than queue.max_age ("
          + Durations.format(maxAge) + "), got " + Durations.format(warning.get()));
    }
    checkTlsAndAuth(settings);
    checkReturnPath(settings);
    Duration minTtl = settings.get(DNS_MIN_TTL);
    Duration maxTtl = settings.get(DNS_MAX_TTL);
    if (maxTtl.compareTo(minTtl) < 0) {
      throw settings.error(DNS_MAX_TTL, "must be at least dns.min_ttl ("
          + Durations.format(minTtl) + "), got " + Durations.format(maxTtl));
    }
  }

  /**
   * The certificate and its key come as a pair; port 587 needs STARTTLS and AUTH (RFC 6409: AUTH
   * before MAIL, and Hermod takes passwords over TLS only), port 465 needs its certificate and,
   * being submission too, AUTH.
   */
  private static void checkTlsAndAuth(Settings settings) {
    boolean cert = settings.get(TLS_CERT).isPresent();
    boolean key = settings.get(TLS_KEY).isPresent();
    if (cert && !key) {
      throw settings.error(TLS_KEY, "must be set when tls.cert is set");
    }
    if (key && !cert) {
      throw settings.error(TLS_CERT, "must be set when tls.key is set");
    }
    boolean users = settings.get(AUTH_USERS).isPresent();
    for (Key<List<HostAndPort>> listener : List.of(SUBMISSION_LISTEN, SUBMISSIONS_LISTEN)) {
      if (settings.get(listener).isEmpty()) {
        continue;
      }
      if (!cert) {
        throw settings.error(listener, "needs tls.cert and tls.key (clients authenticate over TLS only)");
      }
      if (!users) {
        throw settings.error(listener, "needs auth.users (clients must authenticate on this port)");
      }
    }
  }

  /**
   * A return path needs the secret that authenticates it, and must be a domain whose mail Hermod
   * consumes, or the bounces sent to it would be relayed (or refused) instead of read.
   */
  private static void checkReturnPath(Settings settings) {
    Optional<String> returnPath = settings.get(DELIVERY_RETURN_PATH);
    if (returnPath.isEmpty()) {
      return;
    }
    if (settings.get(FEEDBACK_SECRET).isEmpty()) {
      throw settings.error(DELIVERY_RETURN_PATH, "needs feedback.secret (it authenticates the bounces that come back)");
    }
    if (!settings.get(INBOUND_DOMAINS).contains(returnPath.get())) {
      throw settings.error(DELIVERY_RETURN_PATH, "must be one of inbound.domains " + settings.get(INBOUND_DOMAINS)
          + ", got " + returnPath.get());
    }
  }

  /** The HMAC key of feedback references: a token of at least 16 characters. */
  private static ValueType<String> secret() {
    return token().map(text -> {
      if (text.length() < 16) {
        throw new BadValue("must be at least 16 characters, got " + text.length());
      }
      return text;
    });
  }

  /** One domain name, lower-cased. */
  private static ValueType<String> domain() {
    return ValueType.scalar("a domain name", ValueTypes::domain);
  }

  private static ValueType<List<HostAndPort>> listeners() {
    return offOr(hostAndPorts(0, -1, true), List.of());
  }

  private static <T> Key<T> key(String path, String defaultText, ValueType<T> type) {
    return new Key<>(path, defaultText, type);
  }

  private static Map<String, Key<?>> index(Function<Key<?>, String> name) {
    return ALL.stream().collect(Collectors.toUnmodifiableMap(name, k -> k));
  }

  private static Set<String> sections() {
    Set<String> out = new HashSet<>();
    for (Key<?> key : ALL) {
      String path = key.path();
      for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
        out.add(path.substring(0, dot));
      }
    }
    return Set.copyOf(out);
  }
}
