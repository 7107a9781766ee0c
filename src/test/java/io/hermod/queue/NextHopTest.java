package io.hermod.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.dns.StaticRoutes;
import io.hermod.metrics.HermodMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Address literals need no DNS: IPv4 and IPv6 ones are destinations, a general one fails for good. */
class NextHopTest {

    private final NextHop nextHop = new NextHop(new StaticRoutes(Map.of()), null, 25, HermodMetrics.noop(), List.of(), null);

    private NextHop.Lookup lookup(String domain) {
        return nextHop.lookup(domain).result();
    }

    @Test
    void ipv4AndIpv6Literals_areDestinations() {
        assertThat(lookup("[192.0.2.1]").destination().candidates()).singleElement()
                .satisfies(c -> assertThat(c.address()).isEqualTo("192.0.2.1"));
        assertThat(lookup("[IPv6:2001:db8::1]").destination().candidates()).singleElement()
                .satisfies(c -> assertThat(c.address()).isEqualTo("2001:db8::1"));
    }

    @Test
    void generalAddressLiteral_failsPermanentlyWith513_notRetried() {
        NextHop.Lookup lookup = lookup("[tag:content]");
        assertThat(lookup.found()).isFalse();
        assertThat(lookup.failure().permanent()).isTrue();
        assertThat(lookup.failure().status()).hasToString("5.1.3");
        assertThat(lookup("[x400:c=de]").failure().permanent()).isTrue();
    }
}
