package io.hermod.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * DNS resolution ({@code dns.*}): the resolvers (an empty list means the system's /etc/resolv.conf),
 * the bounds that MX answers' TTLs are clamped to, how long negative answers are cached, and the
 * timeout of one query to one server.
 */
public record DnsConfig(List<HostAndPort> servers, Duration minTtl, Duration maxTtl, Duration negativeTtl,
    Duration timeout) {

  public DnsConfig {
    servers = List.copyOf(servers);
    Objects.requireNonNull(minTtl, "minTtl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(timeout, "timeout");
  }
}
