package io.hermod.dns;

import static io.hermod.dns.Dnsmasq.cname;
import static io.hermod.dns.Dnsmasq.host;
import static io.hermod.dns.Dnsmasq.mx;
import static io.hermod.dns.Dnsmasq.txt;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.DnsConfig;
import io.hermod.dns.Resolution.Failure;
import io.hermod.dns.Resolution.Hosts;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a domain resolves to, against a real DNS server (dnsmasq). Caching: MxResolverCacheTest. */
class MxResolverTest {

  private static Dnsmasq dns;
  private Vertx vertx;
  private MxResolver resolver;

  @BeforeAll
  static void startDns() {
    dns = Dnsmasq.start(
        mx("example.test", "mx2.example.test", 20), mx("example.test", "mx0.example.test", 5),
        mx("example.test", "mx1.example.test", 10),
        host("mx0.example.test", "127.0.0.10"), host("mx1.example.test", "127.0.0.11", "::11"),
        host("mx2.example.test", "::12"),
        mx("spread.test", "c.spread.test", 20), mx("spread.test", "a.spread.test", 10),
        mx("spread.test", "b.spread.test", 10),
        host("a.spread.test", "127.0.1.1"), host("b.spread.test", "127.0.1.2"), host("c.spread.test", "127.0.1.3"),
        host("nomx.test", "127.0.0.3", "::3"),
        mx("nullmx.test", ".", 0),
        txt("nothing.test", "no mail here"),
        mx("partial.test", "gone.test", 5), mx("partial.test", "mx1.example.test", 10),
        mx("noaddr.test", "gone1.test", 10), mx("noaddr.test", "gone2.test", 20),
        mx("aliased-mx.test", "alias.aliased-mx.test", 10), cname("alias.aliased-mx.test", "mx0.example.test"),
        cname("alias-domain.test", "target.test"), host("target.test", "127.0.0.4"),
        mx("target.test", "mx1.example.test", 10));
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    resolver = new MxResolver(vertx, config());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void mxRecords_comeInAscendingPreference_withIpv4BeforeIpv6() {
    Hosts hosts = (Hosts) resolve("example.test");

    assertThat(hosts.implicit()).isFalse();
    assertThat(hosts.hosts()).containsExactly(
        new MxHost("mx0.example.test", 5, List.of("127.0.0.10")),
        new MxHost("mx1.example.test", 10, List.of("127.0.0.11", "0:0:0:0:0:0:0:11")),
        new MxHost("mx2.example.test", 20, List.of("0:0:0:0:0:0:0:12")));
  }

  @Test
  void equalPreference_eachHostComesFirstAboutHalfTheTime_evenFromCache() {
    int aFirst = 0;
    int bFirst = 0;
    for (int i = 0; i < 200; i++) {
      List<String> names = ((Hosts) resolve("spread.test")).hosts().stream().map(MxHost::name).toList();
      assertThat(names).hasSize(3).endsWith("c.spread.test");
      aFirst += names.get(0).equals("a.spread.test") ? 1 : 0;
      bFirst += names.get(0).equals("b.spread.test") ? 1 : 0;
    }

    // 100 expected each; below 60 has a probability under 1e-8.
    assertThat(aFirst).isGreaterThan(60);
    assertThat(bFirst).isGreaterThan(60);
    assertThat(aFirst + bFirst).isEqualTo(200);
    assertThat(dns.queries("MX", "spread.test")).isEqualTo(1);
  }

  @Test
  void noMx_usesTheDomainsOwnAandAaaa_asImplicitMx() {
    assertThat(resolve("nomx.test")).isEqualTo(new Hosts(
        List.of(new MxHost("nomx.test", 0, List.of("127.0.0.3", "0:0:0:0:0:0:0:3"))), true));
  }

  @Test
  void nullMx_isPermanent556() {
    assertThat(resolve("nullmx.test"))
        .isEqualTo(new Failure(true, 556, "5.1.10", "domain does not accept mail (null MX)"));
  }

  @Test
  void nxdomain_isPermanent550_512() {
    assertThat(resolve("no-such-domain.test"))
        .isEqualTo(new Failure(true, 550, "5.1.2", "domain does not exist (NXDOMAIN)"));
  }

  @Test
  void neitherMxNorAddress_isPermanent550_544() {
    assertThat(resolve("nothing.test"))
        .isEqualTo(new Failure(true, 550, "5.4.4", "domain has neither MX nor A/AAAA records"));
  }

  @Test
  void mxHostWithoutAddress_isDropped() {
    assertThat(resolve("partial.test")).isEqualTo(new Hosts(
        List.of(new MxHost("mx1.example.test", 10, List.of("127.0.0.11", "0:0:0:0:0:0:0:11"))), false));
  }

  @Test
  void noMxHostHasAnAddress_isTransient() {
    Failure failure = (Failure) resolve("noaddr.test");

    assertThat(failure.permanent()).isFalse();
    assertThat(failure.replyCode()).isEqualTo(451);
    assertThat(failure.enhancedStatus()).isEqualTo("4.4.4");
    assertThat(failure.reason()).isEqualTo("no address for any MX host (gone1.test, gone2.test)");
  }

  @Test
  void mxHostBehindCname_getsTheTargetsAddresses() {
    assertThat(resolve("aliased-mx.test")).isEqualTo(new Hosts(
        List.of(new MxHost("alias.aliased-mx.test", 10, List.of("127.0.0.10"))), false));
  }

  @Test
  void domainBehindCname_usesTheTargetsMx() {
    assertThat(resolve("alias-domain.test")).isEqualTo(new Hosts(
        List.of(new MxHost("mx1.example.test", 10, List.of("127.0.0.11", "0:0:0:0:0:0:0:11"))), false));
  }

  @Test
  void domainName_isCaseInsensitive_andMayEndInADot() {
    assertThat(resolve("NoMX.Test.")).isEqualTo(resolve("nomx.test"));
  }

  @Test
  void invalidDomainName_isPermanent_withoutAQuery() {
    assertThat(resolve("bad..test")).isEqualTo(MxResolver.INVALID_DOMAIN);
    assertThat(resolve("[127.0.0.1]")).isEqualTo(MxResolver.INVALID_DOMAIN);
    assertThat(resolver.queries()).isZero();
  }

  private Resolution resolve(String domain) {
    try {
      return resolver.resolve(domain).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("resolve(" + domain + ") did not complete", e);
    }
  }

  private static DnsConfig config() {
    return new DnsConfig(List.of(dns.address()), Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(60),
        Duration.ofSeconds(2));
  }
}
