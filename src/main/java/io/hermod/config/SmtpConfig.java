package io.hermod.config;

import java.time.Duration;
import java.util.List;

/**
 * The intake listener ({@code smtp.*}); maxHops is the most {@code Received:} headers a message may carry (RFC 5321
 * 6.3); maxBufferedBytes is the process's budget for mail in progress, SMTP and HTTP alike.
 */
public record SmtpConfig(List<HostAndPort> listen, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
    Duration idleTimeout, int maxConnections, int maxConnectionsPerIp, int maxErrors, int maxHops,
    long maxBufferedBytes) {

  public SmtpConfig {
    listen = List.copyOf(listen);
    relayNetworks = List.copyOf(relayNetworks);
  }
}
