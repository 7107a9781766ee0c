package io.hermod.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Syntax of domain names and IP address literals. Never touches DNS: a configuration is checked
 * the same way on a laptop and in a pod whose resolver is not up yet.
 */
final class HostSyntax {

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  private HostSyntax() {
  }

  /** Letters, digits and hyphens in dot-separated labels of 1..63 characters, at most 255 in all. */
  static boolean isDomainName(String s) {
    if (s.isEmpty() || s.length() > 255 || s.startsWith(".") || s.endsWith(".")) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Dotted-quad only ("1.2.3.4"), not the short or octal forms some parsers accept; null if not one. */
  static InetAddress ipv4(String s) {
    if (!IPV4.matcher(s).matches()) {
      return null;
    }
    String[] parts = s.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(parts[i]);
      if (octet > 255) {
        return null;
      }
      bytes[i] = (byte) octet;
    }
    return address(bytes);
  }

  /**
   * An IPv6 literal without brackets, or null. The character check matters: InetAddress parses a
   * string that starts with a hex digit or ':' and contains ':' as a literal, never as a name to look up.
   * An IPv4-mapped literal (::ffff:1.2.3.4) comes back as an Inet4Address, as InetAddress does.
   */
  static InetAddress ipv6(String s) {
    if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** True if the IPv6 text denotes an IPv4-mapped address (InetAddress turns those into IPv4). */
  static boolean isIpv4Mapped(String ipv6Text, InetAddress parsed) {
    return !(parsed instanceof Inet6Address) && ipv6Text.contains(":");
  }

  /** The RFC 5952 text of an address ("::1", not "0:0:0:0:0:0:0:1"), so that messages read as users write. */
  static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address length " + bytes.length, e);
    }
  }
}
