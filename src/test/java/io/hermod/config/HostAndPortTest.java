package io.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostAndPortTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      1.2.3.4:25          | 1.2.3.4          | 25
      mx.example.com:2525 | mx.example.com   | 2525
      localhost:0         | localhost        | 0
      [::1]:25            | ::1              | 25
      [2001:db8::1]:65535 | 2001:db8::1      | 65535
      [::]:587            | ::               | 587
      """)
  void parse_splitsHostAndPort_andToStringGivesTheSameForm(String text, String host, int port) {
    HostAndPort parsed = HostAndPort.parse(text);

    assertThat(parsed).isEqualTo(new HostAndPort(host, port));
    assertThat(parsed.toString()).isEqualTo(text);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      mx.example.com  | missing port in "mx.example.com" (expected host:port)
      mx.example.com: | missing port in "mx.example.com:" (expected host:port)
      [::1]           | missing port in "[::1]" (expected host:port)
      :25             | missing host in ":25"
      host:port       | not a port number: "port"
      host:-1         | not a port number: "-1"
      host:65536      | port must be between 0 and 65535, got 65536
      ::1:25          | IPv6 addresses need brackets, as in [::1]:25, got "::1:25"
      [::1:25         | missing ']' in "[::1:25"
      [::1]x25        | not host:port: "[::1]x25"
      [mx.example]:25 | not an IPv6 address in brackets: "[mx.example]:25"
      bad_host:25     | not a valid host name or address: "bad_host"
      999.1.1.1:25    | not a valid host name or address: "999.1.1.1"
      ``              | empty value, expected host:port
      """)
  void parse_rejectsWithAReason(String text, String message) {
    assertThatThrownBy(() -> HostAndPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      8.8.8.8          | 8.8.8.8     | 53
      ns.example.net   | ns.example.net | 53
      ::1              | ::1         | 53
      [2001:db8::53]   | 2001:db8::53 | 53
      [::1]:5353       | ::1         | 5353
      10.0.0.1:5353    | 10.0.0.1    | 5353
      """)
  void parseWithDefaultPort_fillsAMissingPort(String text, String host, int port) {
    assertThat(HostAndPort.parse(text, 53)).isEqualTo(new HostAndPort(host, port));
  }

  @Test
  void constructor_checksThePortRange() {
    assertThatThrownBy(() -> new HostAndPort("a", 65536)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostAndPort("", 25)).isInstanceOf(IllegalArgumentException.class);
  }
}
