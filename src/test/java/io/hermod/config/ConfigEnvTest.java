package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** HERMOD_* environment variables over the file. */
class ConfigEnvTest {

  private static HermodConfig load(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml, env);
  }

  @Test
  void envName_isThePathUpperCasedWithUnderscores() {
    assertThat(Keys.SMTP_LISTEN.envName()).isEqualTo("HERMOD_SMTP_LISTEN");
    assertThat(Keys.SMTP_MAX_RECIPIENTS.envName()).isEqualTo("HERMOD_SMTP_MAX_RECIPIENTS");
    assertThat(Keys.QUEUE_RETRY_INITIAL.envName()).isEqualTo("HERMOD_QUEUE_RETRY_INITIAL");
    assertThat(Keys.DELIVERY_TLS_REQUIRED_DOMAINS.envName()).isEqualTo("HERMOD_DELIVERY_TLS_REQUIRED_DOMAINS");
  }

  @Test
  void env_winsOverTheFile() {
    HermodConfig c = load(yaml("smtp.max_recipients", "7"), Map.of("HERMOD_SMTP_MAX_RECIPIENTS", "5"));

    assertThat(c.smtp().maxRecipients()).isEqualTo(5);
  }

  @Test
  void env_setsNestedKeys() {
    HermodConfig c = load("", Map.of("HERMOD_QUEUE_RETRY_INITIAL", "30s", "HERMOD_QUEUE_DELAY_WARNING", "4h",
        "HERMOD_HTTP_TOKEN", "abc", "HERMOD_DNS_NEGATIVE_TTL", "2m"));

    assertThat(c.queue().retry().initial()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.queue().delayWarning()).contains(Duration.ofHours(4));
    assertThat(c.http().token()).contains("abc");
    assertThat(c.dns().negativeTtl()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void env_listIsCommaSeparated() {
    HermodConfig c = load("", Map.of(
        "HERMOD_SMTP_LISTEN", "127.0.0.1:2500, [::1]:2500",
        "HERMOD_SMTP_RELAY_NETWORKS", "10.0.0.0/8,fd00::/8",
        "HERMOD_DELIVERY_TLS_REQUIRED_DOMAINS", "Bank.example,gov.example",
        "HERMOD_DNS_SERVERS", "10.0.0.53,10.0.0.54:5353"));

    assertThat(c.smtp().listen()).containsExactly(new HostAndPort("127.0.0.1", 2500), new HostAndPort("::1", 2500));
    assertThat(c.smtp().relayNetworks()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
    assertThat(c.delivery().tlsRequiredDomains()).containsExactly("bank.example", "gov.example");
    assertThat(c.dns().servers()).containsExactly(new HostAndPort("10.0.0.53", 53), new HostAndPort("10.0.0.54", 5353));
  }

  @Test
  void env_emptyListClearsTheFileList() {
    HermodConfig c = load(yaml("smtp.relay_networks", "[10.0.0.0/8]"), Map.of("HERMOD_SMTP_RELAY_NETWORKS", ""));

    assertThat(c.smtp().relayNetworks()).isEmpty();
  }

  @Test
  void env_routesAreDomainEqualsHostPort() {
    HermodConfig c = load("", Map.of("HERMOD_DELIVERY_ROUTES", "Example.com=10.0.0.1:25,*=relay.example.net:2525"));

    assertThat(c.delivery().routes()).isEqualTo(Map.of(
        "example.com", new HostAndPort("10.0.0.1", 25), "*", new HostAndPort("relay.example.net", 2525)));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      HERMOD_SMTP_MAX_RECIPIENTS | 0           | smtp.max_recipients (from HERMOD_SMTP_MAX_RECIPIENTS): must be between 1 and 100000, got 0
      HERMOD_SMTP_IDLE_TIMEOUT   | abc         | smtp.idle_timeout (from HERMOD_SMTP_IDLE_TIMEOUT): not a duration: "abc"
      HERMOD_SMTP_LISTEN         | a:1,,b:2    | smtp.listen (from HERMOD_SMTP_LISTEN): empty item in list "a:1,,b:2"
      HERMOD_SMTP_LISTEN         | ``          | smtp.listen (from HERMOD_SMTP_LISTEN): must not be empty
      HERMOD_DELIVERY_ROUTES     | example.com | delivery.routes (from HERMOD_DELIVERY_ROUTES): expected domain=host:port, got "example.com"
      HERMOD_DELIVERY_ROUTES     | a.com=b:1,A.com=c:2 | delivery.routes (from HERMOD_DELIVERY_ROUTES): route for a.com given twice
      HERMOD_QUEUE_RETRY_MAX     | 30s         | queue.retry.max (from HERMOD_QUEUE_RETRY_MAX): must be at least queue.retry.initial (1m), got 30s
      HERMOD_HTTP_TOKEN          | ``          | http.token (from HERMOD_HTTP_TOKEN): must not be empty
      HERMOD_TLS_CERT            | /nonexistent/c.pem | tls.cert (from HERMOD_TLS_CERT): cannot read /nonexistent/c.pem: no such file
      HERMOD_SMTP_LISTN          | a:1         | HERMOD_SMTP_LISTN: unknown configuration variable
      HERMOD_QUEUE_RETRY         | 5s          | HERMOD_QUEUE_RETRY: unknown configuration variable
      """)
  void badEnv_namesKeyAndVariable(String name, String value, String message) {
    assertRejected("", Map.of(name, value)).hasMessage(message);
  }

  @Test
  void reservedAndForeignVariables_areIgnored() {
    Map<String, String> env = Map.of("HERMOD_OPTS", "-Xmx1g", "HERMOD_HOME", "/opt/hermod",
        "HERMOD_CONFIG", "/etc/hermod.yaml", "PATH", "/bin", "hermod_smtp_listn", "x");

    assertThat(load("", env)).isEqualTo(ConfigLoader.defaults());
  }

  static Stream<Key<?>> everyKey() {
    return Keys.ALL.stream();
  }

  /** Each key's variable is recognised, and its default written as text reads back as the default. */
  @ParameterizedTest
  @MethodSource("everyKey")
  void everyKey_hasAWorkingVariable(Key<?> key) {
    if (key.defaultText() == null) {
      // Unset-by-default keys have no text form for "unset": the variable must be given a value.
      assertRejected("", Map.of(key.envName(), "")).hasMessageStartingWith(key.path() + " (from " + key.envName());
      return;
    }

    assertThat(load("", Map.of(key.envName(), key.defaultText()))).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void everyKey_hasADistinctVariable() {
    assertThat(Keys.ALL.stream().map(Key::envName)).doesNotHaveDuplicates().allMatch(n -> n.startsWith("HERMOD_"));
    assertThat(EnvSource.RESERVED).allSatisfy(n -> assertThat(Keys.byEnvName(n)).isNull());
  }

  @Test
  void submissionOff_fromEnv() {
    HermodConfig c = load("", Map.of("HERMOD_SUBMISSION_LISTEN", "off", "HERMOD_SUBMISSIONS_LISTEN", ""));

    assertThat(c.submission().submissionListen()).isEqualTo(List.of());
    assertThat(c.submission().submissionsListen()).isEqualTo(List.of());
    assertThat(c.tls().cert()).isEqualTo(Optional.empty());
  }
}
