package io.hermod.config;

import java.util.List;

/** DNS resolvers ({@code dns.*}); an empty list means the system's /etc/resolv.conf. */
public record DnsConfig(List<HostAndPort> servers) {

  public DnsConfig {
    servers = List.copyOf(servers);
  }
}
