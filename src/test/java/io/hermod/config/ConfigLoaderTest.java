package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static io.hermod.config.ConfigTexts.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  private static final Path SHIPPED = Path.of("conf/hermod.yaml");

  @Test
  void defaults_matchTheTableInTheDesign() {
    HermodConfig c = ConfigLoader.defaults();

    assertThat(c.hostname()).isEqualTo(MachineName.get()).isNotBlank();
    SmtpConfig smtp = c.smtp();
    assertThat(smtp.listen()).containsExactly(new HostAndPort("127.0.0.1", 2525));
    assertThat(smtp.maxMessageSize()).isEqualTo(52_428_800L);
    assertThat(smtp.maxRecipients()).isEqualTo(1000);
    assertThat(smtp.relayNetworks()).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
    assertThat(smtp.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(smtp.maxConnections()).isEqualTo(2000);
    assertThat(smtp.maxConnectionsPerIp()).isEqualTo(100);
    assertThat(smtp.maxErrors()).isEqualTo(10);
    assertThat(c.submission()).isEqualTo(new SubmissionConfig(List.of(), List.of()));
    assertThat(c.tls()).isEqualTo(new TlsConfig(Optional.empty(), Optional.empty()));
    assertThat(c.auth()).isEqualTo(new AuthConfig(Optional.empty()));
    assertThat(c.http()).isEqualTo(new HttpConfig(new HostAndPort("127.0.0.1", 8025), Optional.empty(),
        Duration.ofSeconds(60), 256, 100_000));
    assertThat(c.spool().path()).isEqualTo(Path.of("data/spool"));
    assertThat(c.queue().shards()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.queue().retry()).isEqualTo(new RetryConfig(Duration.ofSeconds(60), Duration.ofHours(1), 2.0));
    assertThat(c.queue().maxAge()).isEqualTo(Duration.ofDays(5));
    assertThat(c.queue().delayWarning()).isEmpty();
    DeliveryConfig delivery = c.delivery();
    assertThat(delivery.maxConnectionsPerDestination()).isEqualTo(20);
    assertThat(delivery.maxMessagesPerConnection()).isEqualTo(1000);
    assertThat(delivery.smtpPort()).isEqualTo(25);
    assertThat(delivery.routes()).isEmpty();
    assertThat(delivery.tlsRequiredDomains()).isEmpty();
    assertThat(c.dns()).isEqualTo(new DnsConfig(List.of(), Duration.ofSeconds(5), Duration.ofHours(1),
        Duration.ofSeconds(60), Duration.ofSeconds(5)));
    assertThat(c.log().events()).isEqualTo(Path.of("data/events.log"));
    assertThat(c.shutdown().grace()).isEqualTo(Duration.ofSeconds(25));
  }

  @Test
  void shippedFile_equalsDefaults() {
    assertThat(ConfigLoader.load(SHIPPED, Map.of())).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void shippedFile_setsEveryKeyOfTheTable() throws IOException {
    Map<Key<?>, Object> keys = YamlSource.read(Files.readString(SHIPPED), SHIPPED.toString());

    assertThat(keys.keySet().stream().map(Key::path).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(Keys.ALL.stream().map(Key::path).toList());
  }

  @Test
  void shippedFile_commentsEveryKey() throws IOException {
    List<String> settings = Files.readAllLines(SHIPPED).stream()
        .filter(line -> line.matches("\\s+[a-z_]+:.*\\S.*") || line.matches("[a-z_]+:.*\\S.*"))
        .toList();

    assertThat(settings).hasSize(Keys.ALL.size()).allSatisfy(line -> assertThat(line).contains("# "));
  }

  @Test
  void emptyText_givesDefaults() {
    assertThat(parse("")).isEqualTo(ConfigLoader.defaults());
    assertThat(parse("# only a comment\n")).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void load_withoutFile_readsTheDefaultFileWhenPresent() {
    // The working directory is the project, whose conf/hermod.yaml holds the defaults.
    assertThat(ConfigLoader.DEFAULT_FILE).isEqualTo(SHIPPED);
    assertThat(ConfigLoader.load(null, Map.of())).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void load_readsTheGivenFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("h.yaml");
    Files.writeString(file, yaml("smtp.max_recipients", "7"));

    assertThat(ConfigLoader.load(file, Map.of()).smtp().maxRecipients()).isEqualTo(7);
  }

  @Test
  void load_missingFile_namesTheFile(@TempDir Path dir) {
    Path file = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: cannot read " + file + ": no such file");
  }

  @Test
  void load_directory_isUnreadable(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: cannot read " + dir + ": ");
  }

  @Test
  void load_syntaxError_namesFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "smtp:\n  listen: [\"127.0.0.1:25\"\n  max_errors: 3\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: " + file + ": line 3: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void syntaxError_isOneLine() {
    assertRejected("smtp:\n  listen: \"unterminated\n")
        .hasMessageStartingWith("config: <text>: line ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r"));
  }

  @Test
  void duplicateKey_isRejected() {
    assertRejected("smtp:\n  max_errors: 3\n  max_errors: 4\n")
        .hasMessage("config: <text>: line 3: found duplicate key max_errors");
  }

  @Test
  void topLevelNotAMap_isRejected() {
    assertRejected("- a\n- b\n").hasMessage("config: expected a map at the top level");
    assertRejected("just text\n").hasMessage("config: expected a map at the top level");
  }

  @Test
  void yamlTags_neverBuildJavaObjects() {
    assertRejected("hostname: !!java.io.File [\"/tmp\"]\n").hasMessageStartingWith("config: <text>: line 1: ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      smtp:\\n  max_recipientz: 5          | smtp.max_recipientz: unknown key
      smpt:\\n  listen: a:1               | smpt: unknown key
      queue:\\n  retry:\\n    intial: 5s  | queue.retry.intial: unknown key
      delivery:\\n  tls:\\n    required: [] | delivery.tls.required: unknown key
      smtp.listen: 127.0.0.1:25          | smtp.listen: unknown key
      submission:\\n  port: 587          | submission.port: unknown key
      """)
  void unknownKey_isRejectedWithItsPath(String yaml, String message) {
    assertRejected(yaml.replace("\\n", "\n")).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      smtp.listen            | {a: b}         | smtp.listen: expected host:port or a list of them, got a map
      smtp.listen            | [[a]]          | smtp.listen: expected host:port or a list of them, got a list containing a list
      smtp.listen            | []             | smtp.listen: must not be empty
      smtp.max_recipients    | [1]            | smtp.max_recipients: expected an integer, got a list
      smtp.max_recipients    |                | smtp.max_recipients: expected an integer, got nothing
      smtp.max_recipients    | 1.5            | smtp.max_recipients: not an integer: "1.5"
      smtp.idle_timeout      | {}             | smtp.idle_timeout: expected a duration, got a map
      smtp.relay_networks    | [{a: 1}]       | smtp.relay_networks: expected a network (CIDR) or a list of them, got a list containing a map
      hostname               | yes            | hostname: expected a domain name, got a boolean (true)
      http.listen            | [a:1]          | http.listen: expected host:port, got a list
      http.token             | [x]            | http.token: expected a string, got a list
      queue.delay_warning    | on             | queue.delay_warning: expected a duration or off, got a boolean (true)
      delivery.routes        | [a]            | delivery.routes: expected a map of domain to host:port, got a list
      delivery.routes        | {a.com: [b]}   | delivery.routes: route for a.com: expected host:port, got a list
      smtp                   | 5              | smtp: expected a section of settings, got a number
      queue.retry            | [1]            | queue.retry: expected a section of settings, got a list
      """)
  void wrongYamlType_isRejectedWithItsPath(String key, String value, String message) {
    assertRejected(yaml(key, value == null ? "" : value)).hasMessage(message);
  }

  @Test
  void emptySection_givesDefaults() {
    assertThat(parse("smtp:\nqueue:\n  retry:\n")).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  void everyKey_isReadFromYaml() {
    HermodConfig c = parse("""
        hostname: mta1.example.com
        smtp:
          listen: ["0.0.0.0:25", "[::]:25"]
          max_message_size: 10MiB
          max_recipients: 50
          relay_networks: [10.0.0.0/8, "2001:db8::/32"]
          idle_timeout: 5m
          max_connections: 300
          max_connections_per_ip: 7
          max_errors: 3
          max_buffered_bytes: 64MiB
        submission:
          listen: off
        submissions:
          listen: ""
        tls:
          cert:
          key:
        auth:
          users:
        http:
          listen: "0.0.0.0:8080"
          token: s3cret
        spool:
          path: /var/spool/hermod
        queue:
          shards: 8
          retry:
            initial: 30s
            max: 2h
            factor: 1.5
          max_age: 3d
          delay_warning: 4h
        delivery:
          max_connections_per_destination: 5
          max_messages_per_connection: 100
          smtp_port: 2526
          routes: {Example.COM: "10.1.1.1:25", "*": "relay.example.net:587"}
          tls:
            required_domains: [Bank.example, gov.example]
        dns:
          servers: ["10.0.0.53", "[2001:db8::53]:5353"]
          timeout: 750ms
          min_ttl: 0s
          max_ttl: 2h
          negative_ttl: 5m
        log:
          events: /var/log/hermod/events.log
        shutdown:
          grace: 0s
        """);

    assertThat(c.hostname()).isEqualTo("mta1.example.com");
    assertThat(c.smtp()).isEqualTo(new SmtpConfig(
        List.of(new HostAndPort("0.0.0.0", 25), new HostAndPort("::", 25)), 10L * 1024 * 1024, 50,
        List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")), Duration.ofMinutes(5), 300, 7, 3, 50,
        64L << 20));
    assertThat(c.submission()).isEqualTo(new SubmissionConfig(List.of(), List.of()));
    assertThat(c.tls()).isEqualTo(new TlsConfig(Optional.empty(), Optional.empty()));
    assertThat(c.auth().users()).isEmpty();
    assertThat(c.http()).isEqualTo(new HttpConfig(new HostAndPort("0.0.0.0", 8080), Optional.of("s3cret"),
        Duration.ofSeconds(60), 256, 100_000));
    assertThat(c.spool().path()).isEqualTo(Path.of("/var/spool/hermod"));
    assertThat(c.queue()).isEqualTo(new QueueConfig(8,
        new RetryConfig(Duration.ofSeconds(30), Duration.ofHours(2), 1.5), Duration.ofDays(3),
        Optional.of(Duration.ofHours(4)), 1024));
    assertThat(c.delivery()).isEqualTo(new DeliveryConfig(5, 100, 100, 2526,
        Map.of("example.com", new HostAndPort("10.1.1.1", 25), "*", new HostAndPort("relay.example.net", 587)),
        List.of("bank.example", "gov.example")));
    assertThat(c.dns()).isEqualTo(new DnsConfig(
        List.of(new HostAndPort("10.0.0.53", 53), new HostAndPort("2001:db8::53", 5353)),
        Duration.ZERO, Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofMillis(750)));
    assertThat(c.log().events()).isEqualTo(Path.of("/var/log/hermod/events.log"));
    assertThat(c.shutdown().grace()).isEqualTo(Duration.ZERO);
  }

  @Test
  void singleString_isAOneItemList() {
    HermodConfig c = parse(yaml("smtp.listen", "127.0.0.1:2500") + yaml("dns.servers", "\"[::1]\""));

    assertThat(c.smtp().listen()).containsExactly(new HostAndPort("127.0.0.1", 2500));
    assertThat(c.dns().servers()).containsExactly(new HostAndPort("::1", 53));
  }

  @Test
  void emptyHostname_meansTheMachineName() {
    assertThat(parse("hostname: \"\"\n").hostname()).isEqualTo(MachineName.get());
    assertThat(MachineName.get()).satisfies(name -> assertThat(HostSyntax.isDomainName(name)).isTrue());
  }

  @Test
  void maxBufferedBytes_autoIsAQuarterOfTheHeap() {
    assertThat(parse(yaml("smtp.max_buffered_bytes", "auto")).smtp().maxBufferedBytes())
        .isEqualTo(Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4));
    assertThat(parse(yaml("smtp.max_buffered_bytes", "4MiB")).smtp().maxBufferedBytes()).isEqualTo(4L << 20);
  }

  @Test
  void queueShards_autoIsTwiceTheCores() {
    assertThat(parse(yaml("queue.shards", "auto")).queue().shards())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(parse(yaml("queue.shards", "1")).queue().shards()).isEqualTo(1);
  }

  @Test
  void delayWarning_offInEveryForm() {
    assertThat(parse(yaml("queue.delay_warning", "off")).queue().delayWarning()).isEmpty();
    assertThat(parse(yaml("queue.delay_warning", "\"off\"")).queue().delayWarning()).isEmpty();
    assertThat(parse(yaml("queue.delay_warning", "1h")).queue().delayWarning()).contains(Duration.ofHours(1));
  }

  @Test
  void records_areImmutable() {
    HermodConfig c = ConfigLoader.defaults();

    assertThatThrownBy(() -> c.smtp().listen().add(new HostAndPort("a", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.delivery().routes().put("a", new HostAndPort("a", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void httpToken_isNotPrintedByToString() {
    HermodConfig c = parse(yaml("http.token", "s3cret-token"));

    assertThat(c.toString()).doesNotContain("s3cret-token").contains("token=(set)");
  }
}
