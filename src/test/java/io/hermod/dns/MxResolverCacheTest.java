package io.hermod.dns;

import static io.hermod.dns.Dnsmasq.host;
import static io.hermod.dns.Dnsmasq.mx;
import static io.hermod.dns.Dnsmasq.ttl;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.DnsConfig;
import io.hermod.config.HostAndPort;
import io.hermod.dns.Resolution.Failure;
import io.hermod.dns.Resolution.Hosts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache, in-flight sharing and server failover, counted in dnsmasq's query log (records live 300s). */
class MxResolverCacheTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private static Dnsmasq dns;
  private final TestClock clock = new TestClock();
  private Vertx vertx;

  @BeforeAll
  static void startDns() {
    dns = Dnsmasq.start(host("mx.cache.test", "127.0.0.20"),
        mx("ttl.test", "mx.cache.test", 10), mx("maxttl.test", "mx.cache.test", 10),
        mx("concurrent.test", "mx.cache.test", 10), mx("contexts.test", "mx.cache.test", 10),
        mx("failover.test", "mx.cache.test", 10), host("implicit.test", "127.0.0.21"));
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void withinTheMxTtl_noNewQuery_afterIt_anotherQuery() {
    MxResolver resolver = resolver(clock, Duration.ZERO, HOUR, dns.address());

    resolve(resolver, "ttl.test");
    clock.advance(Duration.ofSeconds(299));
    resolve(resolver, "ttl.test");
    assertThat(dns.queries("MX", "ttl.test")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(resolve(resolver, "ttl.test")).isInstanceOf(Hosts.class);
    assertThat(dns.queries("MX", "ttl.test")).isEqualTo(2);
  }

  @Test
  void mxTtlAboveMaxTtl_isCutToMaxTtl() {
    MxResolver resolver = resolver(clock, Duration.ZERO, Duration.ofSeconds(60), dns.address());

    resolve(resolver, "maxttl.test");
    clock.advance(Duration.ofSeconds(59));
    resolve(resolver, "maxttl.test");
    assertThat(dns.queries("MX", "maxttl.test")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    resolve(resolver, "maxttl.test");
    assertThat(dns.queries("MX", "maxttl.test")).isEqualTo(2);
  }

  @Test
  void mxTtlBelowMinTtl_isRaisedToMinTtl() {
    try (Dnsmasq shortLived = Dnsmasq.start(ttl(1), mx("short.test", "mx.short.test", 10),
        host("mx.short.test", "127.0.0.22"))) {
      MxResolver resolver = resolver(clock, Duration.ofSeconds(10), HOUR, shortLived.address());

      resolve(resolver, "short.test");
      clock.advance(Duration.ofSeconds(9));
      resolve(resolver, "short.test");
      assertThat(shortLived.queries("MX", "short.test")).isEqualTo(1);

      clock.advance(Duration.ofSeconds(2));
      resolve(resolver, "short.test");
      assertThat(shortLived.queries("MX", "short.test")).isEqualTo(2);
    }
  }

  @Test
  void minTtlZero_andOneSecondRecords_expireInRealTime() throws InterruptedException {
    try (Dnsmasq shortLived = Dnsmasq.start(ttl(1), mx("real.test", "mx.real.test", 10),
        host("mx.real.test", "127.0.0.23"))) {
      MxResolver resolver = new MxResolver(vertx, new DnsConfig(List.of(shortLived.address()), Duration.ZERO, HOUR,
          Duration.ofSeconds(60), Duration.ofSeconds(1)));

      resolve(resolver, "real.test");
      resolve(resolver, "real.test");
      assertThat(shortLived.queries("MX", "real.test")).isEqualTo(1);

      Thread.sleep(1100);
      resolve(resolver, "real.test");
      assertThat(shortLived.queries("MX", "real.test")).isEqualTo(2);
    }
  }

  @Test
  void negativeAnswers_andImplicitMx_areCachedForNegativeTtl() {
    MxResolver resolver = resolver(clock, Duration.ZERO, HOUR, dns.address());

    resolve(resolver, "missing.test");
    resolve(resolver, "implicit.test");
    clock.advance(Duration.ofSeconds(59));
    assertThat(resolve(resolver, "missing.test")).isInstanceOf(Failure.class);
    assertThat(resolve(resolver, "implicit.test")).isInstanceOf(Hosts.class);
    assertThat(dns.queries("MX", "missing.test")).isEqualTo(1);
    assertThat(dns.queries("MX", "implicit.test")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    resolve(resolver, "missing.test");
    resolve(resolver, "implicit.test");
    assertThat(dns.queries("MX", "missing.test")).isEqualTo(2);
    assertThat(dns.queries("MX", "implicit.test")).isEqualTo(2);
  }

  @Test
  void concurrentResolves_ofOneDomain_sendOneMxQuery() throws Exception {
    // The clock jumps an hour at every read, so nothing is served from the cache: only sharing
    // the lookup in flight keeps this to one query.
    MxResolver resolver = resolver(new TestClock(HOUR), Duration.ZERO, HOUR, dns.address());
    CompletableFuture<List<Resolution>> results = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<Resolution>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(resolver.resolve("concurrent.test"));
      }
      Future.all(calls).onComplete(ar -> results.complete(calls.stream().map(Future::result).toList()));
    });

    assertThat(results.get(10, TimeUnit.SECONDS)).hasSize(50).allSatisfy(r -> assertThat(r).isInstanceOf(Hosts.class));
    assertThat(dns.queries("MX", "concurrent.test")).isEqualTo(1);
  }

  @Test
  void callerJoiningALookupInFlight_getsItsAnswerOnItsOwnEventLoop() throws Exception {
    // The dead first server holds the lookup in flight for 300 ms while the second caller joins.
    MxResolver resolver = resolver(Clock.systemUTC(), Duration.ZERO, HOUR, Dnsmasq.deadServer(), dns.address());
    Context first = deployedContext();
    Context second = deployedContext();
    CompletableFuture<Thread> firstLoop = new CompletableFuture<>();
    CompletableFuture<Thread> secondLoop = new CompletableFuture<>();
    CompletableFuture<Thread> secondCallback = new CompletableFuture<>();
    CompletableFuture<Resolution> secondResult = new CompletableFuture<>();

    first.runOnContext(v -> {
      firstLoop.complete(Thread.currentThread());
      resolver.resolve("contexts.test");
    });
    Thread.sleep(50);
    second.runOnContext(v -> {
      secondLoop.complete(Thread.currentThread());
      resolver.resolve("contexts.test").onComplete(ar -> {
        secondCallback.complete(Thread.currentThread());
        secondResult.complete(ar.result());
      });
    });

    assertThat(secondResult.get(10, TimeUnit.SECONDS)).isInstanceOf(Hosts.class);
    assertThat(secondLoop.get()).isNotSameAs(firstLoop.get());
    assertThat(secondCallback.get()).isSameAs(secondLoop.get());
    assertThat(dns.queries("MX", "contexts.test")).isEqualTo(1);
  }

  @Test
  void deadServer_isATransient451_andIsNotCached() {
    MxResolver resolver = resolver(clock, Duration.ZERO, HOUR, Dnsmasq.deadServer());

    Failure failure = (Failure) resolve(resolver, "dead.test");
    assertThat(failure).isEqualTo(new Failure(false, 451, "4.4.3", "MX lookup failed: timeout"));
    assertThat(resolver.queries()).isEqualTo(1);

    resolve(resolver, "dead.test");
    assertThat(resolver.queries()).isEqualTo(2);
  }

  @Test
  void firstServerDead_answerComesFromTheSecond() {
    MxResolver resolver = resolver(clock, Duration.ZERO, HOUR, Dnsmasq.deadServer(), dns.address());

    assertThat(resolve(resolver, "failover.test")).isEqualTo(new Hosts(
        List.of(new MxHost("mx.cache.test", 10, List.of("127.0.0.20"))), false));
    assertThat(dns.queries("MX", "failover.test")).isEqualTo(1);
    // MX, A and AAAA each asked of both servers.
    assertThat(resolver.queries()).isEqualTo(6);
  }

  private Context deployedContext() throws Exception {
    Promise<Context> deployed = Promise.promise();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        deployed.complete(context);
        return Future.succeededFuture();
      }
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return deployed.future().result();
  }

  private static Resolution resolve(MxResolver resolver, String domain) {
    try {
      return resolver.resolve(domain).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("resolve(" + domain + ") did not complete", e);
    }
  }

  /** negative_ttl 60s; timeout 300 ms, so that a dead server costs little. */
  private MxResolver resolver(Clock time, Duration minTtl, Duration maxTtl, HostAndPort... servers) {
    return new MxResolver(vertx, new DnsConfig(List.of(servers), minTtl, maxTtl, Duration.ofSeconds(60),
        Duration.ofMillis(300)), time);
  }
}
