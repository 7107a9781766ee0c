package io.hermod.dns;

import io.hermod.config.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The configured resolvers, one {@link DnsClient} each, asked in order: a server that times out,
 * fails or refuses passes the question to the next one. NXDOMAIN is an answer, not a failure, so
 * it is never asked again elsewhere.
 */
final class NameServers {

  private final List<DnsClient> clients;
  private final AtomicLong queries = new AtomicLong();

  NameServers(Vertx vertx, List<HostAndPort> servers, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS servers");
    }
    this.clients = servers.stream()
        .map(s -> vertx.createDnsClient(new DnsClientOptions().setHost(s.host()).setPort(s.port())
            .setQueryTimeout(Math.max(1, timeout.toMillis()))))
        .toList();
  }

  /** Asks query(client, name) of each server in turn until one answers or says NXDOMAIN. */
  <T> Future<List<T>> ask(BiFunction<DnsClient, String, Future<List<T>>> query, String name) {
    return ask(query, name, 0);
  }

  private <T> Future<List<T>> ask(BiFunction<DnsClient, String, Future<List<T>>> query, String name, int server) {
    queries.incrementAndGet();
    Future<List<T>> answer;
    try {
      answer = query.apply(clients.get(server), name);
    } catch (RuntimeException e) { // Netty rejects some malformed names by throwing
      answer = Future.failedFuture(e);
    }
    if (server + 1 == clients.size()) {
      return answer;
    }
    return answer.recover(e -> isNxdomain(e) ? Future.failedFuture(e) : ask(query, name, server + 1));
  }

  long queries() {
    return queries.get();
  }

  static boolean isNxdomain(Throwable e) {
    return e instanceof DnsException d && d.code() == DnsResponseCode.NXDOMAIN;
  }

  /** A few words for a failure reason: "SERVFAIL", "timeout", or the exception's message. */
  static String describe(Throwable e) {
    if (e instanceof DnsException d) {
      return d.code().name();
    }
    if (e.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
