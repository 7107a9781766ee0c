package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static io.hermod.config.ConfigTexts.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bound of the key table, each with the exact message an operator sees. */
class ConfigBoundsTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      hostname                                 | bad_name       | hostname: not a valid domain name: "bad_name"
      hostname                                 | -a.example     | hostname: not a valid domain name: "-a.example"
      smtp.listen                              | 127.0.0.1      | smtp.listen: missing port in "127.0.0.1" (expected host:port)
      smtp.listen                              | a:70000        | smtp.listen: port must be between 0 and 65535, got 70000
      smtp.listen                              | ::1:25         | smtp.listen: IPv6 addresses need brackets, as in [::1]:25, got "::1:25"
      smtp.max_message_size                    | 1023           | smtp.max_message_size: must be between 1024 and 1073741824, got 1023
      smtp.max_message_size                    | 2GiB           | smtp.max_message_size: must be between 1024 and 1073741824, got 2147483648
      smtp.max_message_size                    | 50MB           | smtp.max_message_size: not a size: "50MB" (use bytes, or K, M, G, KiB, MiB, GiB)
      smtp.max_recipients                      | 0              | smtp.max_recipients: must be between 1 and 100000, got 0
      smtp.max_recipients                      | 100001         | smtp.max_recipients: must be between 1 and 100000, got 100001
      smtp.max_recipients                      | many           | smtp.max_recipients: not an integer: "many"
      smtp.max_buffered_bytes                  | 1000000        | smtp.max_buffered_bytes: must be between 1048576 and 1099511627776, got 1000000
      smtp.max_buffered_bytes                  | lots           | smtp.max_buffered_bytes: not a size: "lots" (use bytes, or K, M, G, KiB, MiB, GiB)
      smtp.relay_networks                      | 10.0.0.1/8     | smtp.relay_networks: 10.0.0.1/8 has host bits set (did you mean 10.0.0.0/8?)
      smtp.relay_networks                      | 10.0.0.0/33    | smtp.relay_networks: prefix length must be between 0 and 32, got 33
      smtp.relay_networks                      | localhost      | smtp.relay_networks: not an IP network: "localhost"
      smtp.idle_timeout                        | 0              | smtp.idle_timeout: must be between 1s and 1h, got 0s
      smtp.idle_timeout                        | 61m            | smtp.idle_timeout: must be between 1s and 1h, got 61m
      smtp.idle_timeout                        | abc            | smtp.idle_timeout: not a duration: "abc"
      smtp.max_connections                     | 0              | smtp.max_connections: must be between 1 and 1000000, got 0
      smtp.max_connections                     | 1000001        | smtp.max_connections: must be between 1 and 1000000, got 1000001
      smtp.max_connections_per_ip              | 0              | smtp.max_connections_per_ip: must be between 1 and 1000000, got 0
      smtp.max_connections_per_ip              | 1000001        | smtp.max_connections_per_ip: must be between 1 and 1000000, got 1000001
      smtp.max_errors                          | 0              | smtp.max_errors: must be between 1 and 1000, got 0
      smtp.max_errors                          | 1001           | smtp.max_errors: must be between 1 and 1000, got 1001
      submission.listen                        | 0.0.0.0:587    | submission.listen: needs tls.cert and tls.key (clients authenticate over TLS only)
      submissions.listen                       | 0.0.0.0:465    | submissions.listen: needs tls.cert and tls.key (clients authenticate over TLS only)
      submission.listen                        | 0.0.0.0        | submission.listen: missing port in "0.0.0.0" (expected host:port)
      tls.cert                                 | /nonexistent/cert.pem | tls.cert: cannot read /nonexistent/cert.pem: no such file
      tls.key                                  | /nonexistent/key.pem  | tls.key: cannot read /nonexistent/key.pem: no such file
      tls.key                                  | /              | tls.key: cannot read /: not a regular file
      auth.users                               | /nonexistent/users    | auth.users: cannot read /nonexistent/users: no such file
      auth.users                               | ""             | auth.users: must not be empty
      delivery.tls.required_domains            | [bad domain]   | delivery.tls.required_domains: not a valid domain name: "bad domain"
      http.listen                              | localhost      | http.listen: missing port in "localhost" (expected host:port)
      http.listen                              | '[::1]:x'      | http.listen: not a port number: "x"
      http.token                               | ""             | http.token: must not be empty
      http.token                               | "a b"          | http.token: must not contain spaces, tabs or line breaks
      spool.path                               | ""             | spool.path: must not be empty
      queue.shards                             | 0              | queue.shards: must be between 1 and 1024, got 0
      queue.shards                             | 1025           | queue.shards: must be between 1 and 1024, got 1025
      queue.shards                             | many           | queue.shards: not an integer: "many"
      queue.retry.initial                      | 0s             | queue.retry.initial: must be between 1s and 1d, got 0s
      queue.retry.initial                      | 2d             | queue.retry.initial: must be between 1s and 1d, got 2d
      queue.retry.max                          | 8d             | queue.retry.max: must be between 1s and 7d, got 8d
      queue.retry.max                          | 30s            | queue.retry.max: must be at least queue.retry.initial (1m), got 30s
      queue.retry.factor                       | 0.5            | queue.retry.factor: must be between 1.0 and 10.0, got 0.5
      queue.retry.factor                       | 11             | queue.retry.factor: must be between 1.0 and 10.0, got 11.0
      queue.retry.factor                       | .nan           | queue.retry.factor: not a number: "NaN"
      queue.max_age                            | 0s             | queue.max_age: must be between 1s and 30d, got 0s
      queue.max_age                            | 31d            | queue.max_age: must be between 1s and 30d, got 31d
      queue.delay_warning                      | 0s             | queue.delay_warning: must be between 1s and 30d, got 0s
      queue.delay_warning                      | 5d             | queue.delay_warning: must be less than queue.max_age (5d), got 5d
      delivery.max_connections_per_destination | 0              | delivery.max_connections_per_destination: must be between 1 and 10000, got 0
      delivery.max_connections_per_destination | 10001          | delivery.max_connections_per_destination: must be between 1 and 10000, got 10001
      delivery.max_messages_per_connection     | 0              | delivery.max_messages_per_connection: must be between 1 and 1000000, got 0
      delivery.max_messages_per_connection     | 1000001        | delivery.max_messages_per_connection: must be between 1 and 1000000, got 1000001
      delivery.smtp_port                       | 0              | delivery.smtp_port: must be between 1 and 65535, got 0
      delivery.smtp_port                       | 65536          | delivery.smtp_port: must be between 1 and 65535, got 65536
      delivery.routes                          | {a.com: 'b:0'} | delivery.routes: route for a.com: port must be between 1 and 65535, got 0
      delivery.routes                          | {a.com: b}     | delivery.routes: route for a.com: missing port in "b" (expected host:port)
      delivery.routes                          | {a_b: 'c:25'}  | delivery.routes: not a valid domain name: "a_b"
      dns.servers                              | 10.0.0.1:0     | dns.servers: port must be between 1 and 65535, got 0
      dns.servers                              | 10.0.0.1:x     | dns.servers: not a port number: "x"
      dns.timeout                              | 99ms           | dns.timeout: must be between 100ms and 1m, got 99ms
      dns.timeout                              | 61s            | dns.timeout: must be between 100ms and 1m, got 61s
      dns.min_ttl                              | 61m            | dns.min_ttl: must be between 0s and 1h, got 61m
      dns.max_ttl                              | 0s             | dns.max_ttl: must be between 1s and 1d, got 0s
      dns.max_ttl                              | 25h            | dns.max_ttl: must be between 1s and 1d, got 25h
      dns.negative_ttl                         | 0s             | dns.negative_ttl: must be between 1s and 1h, got 0s
      dns.negative_ttl                         | 61m            | dns.negative_ttl: must be between 1s and 1h, got 61m
      log.events                               | ""             | log.events: must not be empty
      shutdown.grace                           | 61m            | shutdown.grace: must be between 0s and 1h, got 61m
      """)
  void outOfBounds_namesKeyAndBounds(String key, String value, String message) {
    assertRejected(yaml(key, value)).hasMessage(message);
  }

  /** The edges themselves are allowed, so that the checks above are not off by one. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      smtp.max_message_size | 1024
      smtp.max_message_size | 1GiB
      smtp.max_recipients   | 1
      smtp.max_recipients   | 100000
      smtp.idle_timeout     | 1s
      smtp.idle_timeout     | 1h
      smtp.max_errors       | 1000
      queue.shards          | 1024
      queue.retry.initial   | 1s
      queue.retry.max       | 7d
      queue.retry.factor    | 10
      queue.retry.factor    | 1
      queue.max_age         | 30d
      delivery.smtp_port    | 65535
      shutdown.grace        | 1h
      dns.timeout           | 100ms
      dns.timeout           | 60s
      dns.min_ttl           | 0s
      dns.min_ttl           | 1h
      dns.max_ttl           | 1d
      dns.negative_ttl      | 1s
      dns.negative_ttl      | 1h
      http.listen           | '[::1]:0'
      smtp.listen           | '127.0.0.1:0'
      """)
  void edgesOfBounds_areAccepted(String key, String value) {
    HermodConfig c = parse(yaml(key, value));

    assertThat(c).isNotEqualTo(ConfigLoader.defaults());
  }

  @Test
  void retryMax_belowInitial_namesRetryMax() {
    assertRejected("queue:\n  retry:\n    initial: 2h\n    max: 1h\n")
        .hasMessage("queue.retry.max: must be at least queue.retry.initial (2h), got 1h");
    assertThat(parse("queue:\n  retry:\n    initial: 1d\n    max: 1d\n").queue().retry().max())
        .isEqualTo(Duration.ofDays(1));
  }

  @Test
  void dnsMaxTtl_belowMinTtl_namesMaxTtl() {
    assertRejected("dns:\n  min_ttl: 10m\n  max_ttl: 5m\n")
        .hasMessage("dns.max_ttl: must be at least dns.min_ttl (10m), got 5m");
    assertRejected("dns:\n  max_ttl: 1s\n")
        .hasMessage("dns.max_ttl: must be at least dns.min_ttl (5s), got 1s");
    assertThat(parse("dns:\n  min_ttl: 1h\n  max_ttl: 1h\n").dns().maxTtl()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void delayWarning_notBelowMaxAge_namesDelayWarning() {
    assertRejected("queue:\n  max_age: 1h\n  delay_warning: 2h\n")
        .hasMessage("queue.delay_warning: must be less than queue.max_age (1h), got 2h");
    assertThat(parse("queue:\n  max_age: 1h\n  delay_warning: 59m\n").queue().delayWarning())
        .contains(Duration.ofMinutes(59));
  }
}
