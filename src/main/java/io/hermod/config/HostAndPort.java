package io.hermod.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host (domain name, IPv4 or IPv6 literal) and a port. IPv6 hosts are kept without brackets;
 * {@link #toString()} adds them back, so parse and toString round-trip.
 * Port 0 is allowed here because listeners bind it in tests; keys where 0 makes no sense
 * (routes, DNS servers) forbid it themselves.
 */
public record HostAndPort(String host, int port) {

  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern PORT = Pattern.compile("\\d{1,9}");

  public HostAndPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
  }

  /**
   * Parses "1.2.3.4:25", "mx.example.com:25" or "[::1]:25".
   *
   * @throws IllegalArgumentException with a one-line reason that quotes the text
   */
  public static HostAndPort parse(String text) {
    return parse(text, -1);
  }

  /** Like {@link #parse(String)}, but a text without a port ("8.8.8.8", "::1", "[::1]") gets defaultPort. */
  public static HostAndPort parse(String text, int defaultPort) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty value, expected host:port");
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']' in " + BadValue.quote(s));
      }
      host = s.substring(1, close);
      if (HostSyntax.ipv6(host) == null) {
        throw new IllegalArgumentException("not an IPv6 address in brackets: " + BadValue.quote(s));
      }
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new IllegalArgumentException("not host:port: " + BadValue.quote(s));
      }
      port = rest.isEmpty() ? null : rest.substring(1);
    } else if (s.indexOf(':') != s.lastIndexOf(':')) {
      // More than one colon: an IPv6 literal, whose port could not be told from its last group.
      if (defaultPort < 0 || HostSyntax.ipv6(s) == null) {
        throw new IllegalArgumentException("IPv6 addresses need brackets, as in [::1]:25, got " + BadValue.quote(s));
      }
      host = s;
      port = null;
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
      checkHost(host, s);
    }
    return new HostAndPort(host, portNumber(port, defaultPort, s));
  }

  private static void checkHost(String host, String text) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("missing host in " + BadValue.quote(text));
    }
    boolean valid = DIGITS_AND_DOTS.matcher(host).matches()
        ? HostSyntax.ipv4(host) != null
        : HostSyntax.isDomainName(host);
    if (!valid) {
      throw new IllegalArgumentException("not a valid host name or address: " + BadValue.quote(host));
    }
  }

  private static int portNumber(String port, int defaultPort, String text) {
    if (port == null || port.isEmpty()) {
      if (defaultPort < 0) {
        throw new IllegalArgumentException("missing port in " + BadValue.quote(text) + " (expected host:port)");
      }
      return defaultPort;
    }
    if (!PORT.matcher(port).matches()) {
      throw new IllegalArgumentException("not a port number: " + BadValue.quote(port));
    }
    return Integer.parseInt(port); // the constructor checks the range
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
