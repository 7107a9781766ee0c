package io.hermod.config;

import java.util.List;
import java.util.Map;

/**
 * Outbound delivery ({@code delivery.*}). Route keys are lower-case domains or {@code "*"};
 * tlsRequiredDomains are lower-case.
 */
public record DeliveryConfig(int maxConnectionsPerDestination, int maxMessagesPerConnection,
    int maxRecipientsPerTransaction, int smtpPort,
    Map<String, HostAndPort> routes, List<String> tlsRequiredDomains) {

  public DeliveryConfig {
    routes = Map.copyOf(routes);
    tlsRequiredDomains = List.copyOf(tlsRequiredDomains);
  }
}
