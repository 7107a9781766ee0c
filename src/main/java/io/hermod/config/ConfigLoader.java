package io.hermod.config;

import static io.hermod.config.Keys.AUTH_USERS;
import static io.hermod.config.Keys.CLUSTER_HANDOFF_TIMEOUT;
import static io.hermod.config.Keys.CLUSTER_HANDOFF_TO;
import static io.hermod.config.Keys.CLUSTER_HANDOFF_TOKEN;
import static io.hermod.config.Keys.DELIVERY_MAX_RECIPIENTS_PER_TRANSACTION;
import static io.hermod.config.Keys.HTTP_IDLE_TIMEOUT;
import static io.hermod.config.Keys.HTTP_INJECT_MAX_RECIPIENTS;
import static io.hermod.config.Keys.HTTP_MAX_CONNECTIONS;
import static io.hermod.config.Keys.SMTP_MAX_BUFFERED_BYTES;
import static io.hermod.config.Keys.SMTP_MAX_HOPS;
import static io.hermod.config.Keys.DELIVERY_MAX_CONNECTIONS_PER_DESTINATION;
import static io.hermod.config.Keys.DELIVERY_MAX_MESSAGES_PER_CONNECTION;
import static io.hermod.config.Keys.DELIVERY_ROUTES;
import static io.hermod.config.Keys.DELIVERY_SMTP_PORT;
import static io.hermod.config.Keys.DELIVERY_TLS_REQUIRED_DOMAINS;
import static io.hermod.config.Keys.BOUNCE_RULES;
import static io.hermod.config.Keys.DKIM_DEFAULT;
import static io.hermod.config.Keys.DKIM_DOMAINS;
import static io.hermod.config.Keys.DNS_MAX_TTL;
import static io.hermod.config.Keys.DNS_MIN_TTL;
import static io.hermod.config.Keys.DNS_NEGATIVE_TTL;
import static io.hermod.config.Keys.DNS_SERVERS;
import static io.hermod.config.Keys.DNS_TIMEOUT;
import static io.hermod.config.Keys.HOSTNAME;
import static io.hermod.config.Keys.HTTP_LISTEN;
import static io.hermod.config.Keys.HTTP_TOKEN;
import static io.hermod.config.Keys.LOG_EVENTS;
import static io.hermod.config.Keys.QUEUE_MAX_READY;
import static io.hermod.config.Keys.SHAPING_PATH;
import static io.hermod.config.Keys.CLUSTER_REDIS;
import static io.hermod.config.Keys.QUEUE_DELAY_WARNING;
import static io.hermod.config.Keys.QUEUE_MAX_AGE;
import static io.hermod.config.Keys.QUEUE_RETRY_FACTOR;
import static io.hermod.config.Keys.QUEUE_RETRY_INITIAL;
import static io.hermod.config.Keys.QUEUE_RETRY_MAX;
import static io.hermod.config.Keys.QUEUE_SHARDS;
import static io.hermod.config.Keys.SHUTDOWN_GRACE;
import static io.hermod.config.Keys.SMTP_IDLE_TIMEOUT;
import static io.hermod.config.Keys.SMTP_LISTEN;
import static io.hermod.config.Keys.SMTP_MAX_CONNECTIONS;
import static io.hermod.config.Keys.SMTP_MAX_CONNECTIONS_PER_IP;
import static io.hermod.config.Keys.SMTP_MAX_ERRORS;
import static io.hermod.config.Keys.SMTP_MAX_MESSAGE_SIZE;
import static io.hermod.config.Keys.SMTP_MAX_RECIPIENTS;
import static io.hermod.config.Keys.SMTP_RELAY_NETWORKS;
import static io.hermod.config.Keys.SPOOL_PATH;
import static io.hermod.config.Keys.SUBMISSIONS_LISTEN;
import static io.hermod.config.Keys.SUBMISSION_LISTEN;
import static io.hermod.config.Keys.TLS_CERT;
import static io.hermod.config.Keys.TLS_KEY;
import static io.hermod.config.Keys.SUPPRESSION_ENABLED;
import static io.hermod.config.Keys.SUPPRESSION_SCOPE;
import static io.hermod.config.Keys.SUPPRESSION_TTL;
import static io.hermod.config.Keys.DELIVERY_RETURN_PATH;
import static io.hermod.config.Keys.FEEDBACK_SECRET;
import static io.hermod.config.Keys.INBOUND_DOMAINS;
import static io.hermod.config.Keys.INBOUND_MAX_SIZE;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the configuration: the YAML file, then HERMOD_* environment variables over it, then the
 * defaults of {@link Keys} for whatever neither sets. Any problem is one {@link ConfigException}.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_FILE = Path.of("conf/hermod.yaml");

  private ConfigLoader() {
  }

  /**
   * Loads fileOrNull, or {@link #DEFAULT_FILE} when it is null (pure defaults if that does not exist).
   *
   * @param env the process environment, usually {@code System.getenv()}
   */
  public static HermodConfig load(Path fileOrNull, Map<String, String> env) {
    Path file = fileOrNull != null ? fileOrNull : DEFAULT_FILE;
    if (fileOrNull == null && !Files.exists(file)) {
      return resolve(Map.of(), env);
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("config", "cannot read " + file + ": " + reason(e));
    }
    return resolve(YamlSource.read(text, file.toString()), env);
  }

  /** Parses YAML text (for tests); env as in {@link #load}. */
  public static HermodConfig parse(String yamlText, Map<String, String> env) {
    return resolve(YamlSource.read(yamlText, "<text>"), env);
  }

  /** Every key at its default. */
  public static HermodConfig defaults() {
    return resolve(Map.of(), Map.of());
  }

  private static HermodConfig resolve(Map<Key<?>, Object> fromFile, Map<String, String> env) {
    Map<Key<?>, String> fromEnv = EnvSource.read(env);
    Settings settings = new Settings();
    for (Key<?> key : Keys.ALL) {
      resolve(key, fromFile, fromEnv, settings);
    }
    Keys.checkRelations(settings);
    return assemble(settings);
  }

  /** The environment wins over the file, which wins over the default. */
  private static <T> void resolve(Key<T> key, Map<Key<?>, Object> fromFile, Map<Key<?>, String> fromEnv,
      Settings settings) {
    if (fromEnv.containsKey(key)) {
      String text = fromEnv.get(key);
      settings.put(key, key.envName(), () -> key.type().fromText(text));
    } else if (fromFile.containsKey(key)) {
      Object raw = fromFile.get(key);
      settings.put(key, null, () -> key.type().fromYaml(raw));
    } else {
      settings.put(key, null, key::defaultValue);
    }
  }

  private static HermodConfig assemble(Settings s) {
    return new HermodConfig(
        s.get(HOSTNAME),
        new SmtpConfig(s.get(SMTP_LISTEN), s.get(SMTP_MAX_MESSAGE_SIZE), s.get(SMTP_MAX_RECIPIENTS),
            s.get(SMTP_RELAY_NETWORKS), s.get(SMTP_IDLE_TIMEOUT), s.get(SMTP_MAX_CONNECTIONS),
            s.get(SMTP_MAX_CONNECTIONS_PER_IP), s.get(SMTP_MAX_ERRORS), s.get(SMTP_MAX_HOPS),
            s.get(SMTP_MAX_BUFFERED_BYTES)),
        new HttpConfig(s.get(HTTP_LISTEN), s.get(HTTP_TOKEN), s.get(HTTP_IDLE_TIMEOUT), s.get(HTTP_MAX_CONNECTIONS),
            s.get(HTTP_INJECT_MAX_RECIPIENTS)),
        new SpoolConfig(s.get(SPOOL_PATH)),
        new QueueConfig(s.get(QUEUE_SHARDS),
            new RetryConfig(s.get(QUEUE_RETRY_INITIAL), s.get(QUEUE_RETRY_MAX), s.get(QUEUE_RETRY_FACTOR)),
            s.get(QUEUE_MAX_AGE), s.get(QUEUE_DELAY_WARNING), s.get(QUEUE_MAX_READY)),
        new DeliveryConfig(s.get(DELIVERY_MAX_CONNECTIONS_PER_DESTINATION), s.get(DELIVERY_MAX_MESSAGES_PER_CONNECTION),
            s.get(DELIVERY_MAX_RECIPIENTS_PER_TRANSACTION), s.get(DELIVERY_SMTP_PORT), s.get(DELIVERY_ROUTES), s.get(DELIVERY_TLS_REQUIRED_DOMAINS)),
        new DnsConfig(s.get(DNS_SERVERS), s.get(DNS_MIN_TTL), s.get(DNS_MAX_TTL), s.get(DNS_NEGATIVE_TTL),
            s.get(DNS_TIMEOUT)),
        new LogConfig(s.get(LOG_EVENTS)),
        new ShutdownConfig(s.get(SHUTDOWN_GRACE)),
        new TlsConfig(s.get(TLS_CERT), s.get(TLS_KEY)),
        new AuthConfig(s.get(AUTH_USERS)),
        new SubmissionConfig(s.get(SUBMISSION_LISTEN), s.get(SUBMISSIONS_LISTEN)),
        new DkimConfig(s.get(DKIM_DOMAINS), s.get(DKIM_DEFAULT)),
        new BounceConfig(s.get(BOUNCE_RULES)),
        new SuppressionConfig(s.get(SUPPRESSION_ENABLED), s.get(SUPPRESSION_TTL), s.get(SUPPRESSION_SCOPE)),
        new FeedbackConfig(s.get(INBOUND_DOMAINS), s.get(INBOUND_MAX_SIZE), s.get(DELIVERY_RETURN_PATH),
            s.get(FEEDBACK_SECRET)),
        new ShapingConfig(s.get(SHAPING_PATH)),
        new ClusterConfig(s.get(CLUSTER_REDIS)),
        new HandoffConfig(s.get(CLUSTER_HANDOFF_TO), s.get(CLUSTER_HANDOFF_TOKEN), s.get(CLUSTER_HANDOFF_TIMEOUT)));
  }

  /** The JDK puts only the path in these exceptions' messages; say what went wrong instead. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
