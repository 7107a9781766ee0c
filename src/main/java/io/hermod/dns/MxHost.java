package io.hermod.dns;

import java.util.List;
import java.util.Objects;

/**
 * One mail exchanger of a domain: its name, its MX preference (0 for the implicit MX of RFC 5321
 * 5.1) and its addresses as text, IPv4 first, then IPv6. Never empty: hosts without an address are
 * dropped before a resolution is returned.
 */
public record MxHost(String name, int preference, List<String> addresses) {

  public MxHost {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
  }
}
