package io.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /** ::ffff:a.b.c.d kept as an Inet6Address, as a dual-stack socket can report an IPv4 client. */
  private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return Inet6Address.getByAddress(null, bytes, -1);
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      127.0.0.0/8    | 127.1.2.3       | true
      127.0.0.0/8    | 128.0.0.1       | false
      10.1.2.3       | 10.1.2.3        | true
      10.1.2.3       | 10.1.2.4        | false
      192.168.4.0/22 | 192.168.7.255   | true
      192.168.4.0/22 | 192.168.8.0     | false
      0.0.0.0/0      | 203.0.113.9     | true
      ::1/128        | ::1             | true
      ::1/128        | ::2             | false
      ::1            | ::1             | true
      2001:db8::/32  | 2001:db8:ffff::5 | true
      2001:db8::/32  | 2001:db9::      | false
      ::/0           | 1.2.3.4         | false
      127.0.0.0/8    | ::1             | false
      """)
  void contains_matchesOnlyTheSameFamilyAndPrefix(String cidr, String address, boolean expected)
      throws UnknownHostException {
    assertThat(Cidr.parse(cidr).contains(ip(address))).isEqualTo(expected);
  }

  @Test
  void contains_matchesAnIpv4MappedIpv6AddressAgainstAnIpv4Network() throws UnknownHostException {
    InetAddress client = mapped(127, 0, 0, 5);
    assertThat(client).isInstanceOf(Inet6Address.class);

    assertThat(Cidr.parse("127.0.0.0/8").contains(client)).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(client)).isFalse();
    assertThat(Cidr.parse("::1/128").contains(client)).isFalse();
  }

  @Test
  void parse_ipv4MappedNetwork_becomesTheIpv4Network() {
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
  }

  @Test
  void bareAddress_isASingleHost() {
    assertThat(Cidr.parse("10.1.2.3").prefixLength()).isEqualTo(32);
    assertThat(Cidr.parse("2001:db8::1").prefixLength()).isEqualTo(128);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      127.0.0.0/8     | 127.0.0.0/8
      ::1/128         | ::1/128
      2001:DB8:0:0::/64 | 2001:db8::/64
      ::/0            | ::/0
      """)
  void toString_isTheShortForm(String text, String expected) {
    assertThat(Cidr.parse(text)).hasToString(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      127.0.0.1/8         | 127.0.0.1/8 has host bits set (did you mean 127.0.0.0/8?)
      10.0.0.129/25       | 10.0.0.129/25 has host bits set (did you mean 10.0.0.128/25?)
      ::1/64              | ::1/64 has host bits set (did you mean ::/64?)
      10.0.0.0/33         | prefix length must be between 0 and 32, got 33
      ::/129              | prefix length must be between 0 and 128, got 129
      10.0.0.0/x          | not a prefix length in "10.0.0.0/x"
      10.0.0.0/           | not a prefix length in "10.0.0.0/"
      example.com/8       | not an IP network: "example.com/8"
      300.0.0.0/8         | not an IP network: "300.0.0.0/8"
      ::ffff:10.0.0.0/95  | an IPv4-mapped network needs a prefix of at least /96: "::ffff:10.0.0.0/95"
      """)
  void parse_rejectsWithAReason(String text, String message) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
