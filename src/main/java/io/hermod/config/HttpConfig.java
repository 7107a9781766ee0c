package io.hermod.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP API, health and metrics listener ({@code http.*}): idle connections close after idleTimeout; at most
 * maxConnections at once; a batch injection names at most injectMaxRecipients recipients.
 */
public record HttpConfig(HostAndPort listen, Optional<String> token, Duration idleTimeout, int maxConnections,
                         int injectMaxRecipients) {

  /** Keeps the bearer token out of logs that print the configuration. */
  @Override
  public String toString() {
    return "HttpConfig[listen=" + listen + ", token=" + token.map(t -> "(set)").orElse("(unset)")
        + ", idleTimeout=" + idleTimeout + ", maxConnections=" + maxConnections
        + ", injectMaxRecipients=" + injectMaxRecipients + "]";
  }
}
