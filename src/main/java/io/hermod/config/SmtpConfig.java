package io.hermod.config;

import java.time.Duration;
import java.util.List;

/** The intake listener ({@code smtp.*}). */
public record SmtpConfig(List<HostAndPort> listen, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
    Duration idleTimeout, int maxConnections, int maxConnectionsPerIp, int maxErrors) {

  public SmtpConfig {
    listen = List.copyOf(listen);
    relayNetworks = List.copyOf(relayNetworks);
  }
}
