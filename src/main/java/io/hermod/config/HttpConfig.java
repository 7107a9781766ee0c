package io.hermod.config;

import java.util.Optional;

/** The HTTP API, health and metrics listener ({@code http.*}). */
public record HttpConfig(HostAndPort listen, Optional<String> token) {

  /** Keeps the bearer token out of logs that print the configuration. */
  @Override
  public String toString() {
    return "HttpConfig[listen=" + listen + ", token=" + token.map(t -> "(set)").orElse("(unset)") + "]";
  }
}
