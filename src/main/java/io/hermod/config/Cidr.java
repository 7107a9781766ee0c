package io.hermod.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation. A network with host bits set ("10.0.0.1/8") is an
 * error rather than silently masked: it usually means a typo in the prefix length.
 */
public record Cidr(InetAddress network, int prefixLength) {

  private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");
  private static final int MAPPED_PREFIX = 96;

  public Cidr {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length must be between 0 and " + bits + ", got " + prefixLength);
    }
    byte[] masked = mask(network.getAddress(), prefixLength);
    if (!Arrays.equals(masked, network.getAddress())) {
      String meant = HostSyntax.format(HostSyntax.address(masked)) + "/" + prefixLength;
      throw new IllegalArgumentException(HostSyntax.format(network) + "/" + prefixLength
          + " has host bits set (did you mean " + meant + "?)");
    }
  }

  /**
   * Parses "127.0.0.0/8", "::1/128", or a bare address, which means a single host (/32 or /128).
   * An IPv4-mapped network ("::ffff:10.0.0.0/104") becomes the IPv4 network it maps ("10.0.0.0/8").
   *
   * @throws IllegalArgumentException with a one-line reason that quotes the text
   */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addressText = slash < 0 ? s : s.substring(0, slash);
    InetAddress address = HostSyntax.ipv4(addressText);
    boolean ipv6Text = address == null;
    if (ipv6Text) {
      address = HostSyntax.ipv6(addressText);
    }
    if (address == null) {
      throw new IllegalArgumentException("not an IP network: " + BadValue.quote(s));
    }
    int max = ipv6Text ? 128 : 32;
    int prefix = max;
    if (slash >= 0) {
      String prefixText = s.substring(slash + 1);
      if (!PREFIX.matcher(prefixText).matches()) {
        throw new IllegalArgumentException("not a prefix length in " + BadValue.quote(s));
      }
      prefix = Integer.parseInt(prefixText);
      if (prefix > max) {
        throw new IllegalArgumentException("prefix length must be between 0 and " + max + ", got " + prefix);
      }
    }
    if (HostSyntax.isIpv4Mapped(addressText, address)) {
      if (prefix < MAPPED_PREFIX) {
        throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of at least /96: "
            + BadValue.quote(s));
      }
      prefix -= MAPPED_PREFIX;
    }
    return new Cidr(address, prefix);
  }

  /**
   * True if the address is in this network. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a
   * dual-stack socket may report an IPv4 client) is matched as the IPv4 address it carries.
   */
  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    byte[] net = network.getAddress();
    if (candidate.length == 16 && net.length == 4 && isIpv4Mapped(candidate)) {
      candidate = Arrays.copyOfRange(candidate, 12, 16);
    }
    if (candidate.length != net.length) {
      return false;
    }
    return Arrays.equals(mask(candidate, prefixLength), net);
  }

  @Override
  public String toString() {
    return HostSyntax.format(network) + "/" + prefixLength;
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] bytes, int prefixLength) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }
}
