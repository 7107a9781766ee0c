package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.dns.Dnsmasq;
import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Next hops from DNS (a dnsmasq on loopback): MX hosts in preference order with a dead first MX
 * falling through to the second within the same attempt, implicit MX, and the domains that must
 * bounce at once: null MX (556 5.1.10) and NXDOMAIN (5.1.2). Retries are set an hour apart, so
 * anything delivered here was delivered on its first attempt.
 */
class MxRoutingIT {

    @TempDir
    Path dir;

    private TestSink sink;
    private Dnsmasq dns;
    private Hermod hermod;

    @BeforeEach
    void start() throws Exception {
        sink = TestSink.start(true);
        dns = Dnsmasq.start(
                Dnsmasq.mx("origin.test", "mx.origin.test", 10),
                Dnsmasq.host("mx.origin.test", "127.0.0.1"),
                // 127.0.0.2 answers nothing on the sink's port: connection refused
                Dnsmasq.mx("two-mx.test", "dead.two-mx.test", 10),
                Dnsmasq.mx("two-mx.test", "live.two-mx.test", 20),
                Dnsmasq.host("dead.two-mx.test", "127.0.0.2"),
                Dnsmasq.host("live.two-mx.test", "127.0.0.1"),
                Dnsmasq.host("implicit.test", "127.0.0.1"),
                Dnsmasq.mx("nullmx.test", ".", 0));
        hermod = TestHermod.startWith(dir, "mx.hermod.test", """
                delivery:
                  smtp_port: %d
                dns:
                  servers: ["127.0.0.1:%d"]
                queue:
                  retry: {initial: 1h}
                """.formatted(sink.port(), dns.port()));
    }

    @AfterEach
    void stop() throws Exception {
        hermod.close();
        dns.close();
        sink.close();
    }

    @Test
    void deadFirstMx_fallsThroughToTheSecond_inTheSameAttempt() throws Exception {
        send(List.of("user@two-mx.test"));
        Await.until(() -> sink.deliveredRecipients().contains("user@two-mx.test"), 30, () -> sink.reads().toString());
        assertThat(dns.queries("MX", "two-mx.test")).isEqualTo(1);
    }

    @Test
    void noMxRecord_usesTheDomainsOwnAddress() throws Exception {
        send(List.of("user@implicit.test"));
        Await.until(() -> sink.deliveredRecipients().contains("user@implicit.test"), 30, () -> sink.reads().toString());
    }

    @Test
    void nullMx_bouncesAtOnceWith5_1_10() throws Exception {
        send(List.of("user@nullmx.test"));
        String report = awaitReport();
        assertThat(report).contains("Final-Recipient: rfc822; user@nullmx.test");
        assertThat(report).contains("Status: 5.1.10");
        assertThat(report).contains("5.1.10 ").containsIgnoringCase("null MX");
        assertThat(RetryIT.rcptCount(sink, "user@nullmx.test")).isZero();
    }

    @Test
    void nxdomain_bouncesAtOnceWith5_1_2() throws Exception {
        send(List.of("user@no-such-domain.test"));
        String report = awaitReport();
        assertThat(report).contains("Final-Recipient: rfc822; user@no-such-domain.test");
        assertThat(report).contains("Status: 5.1.2");
    }

    private String awaitReport() throws InterruptedException {
        Await.until(() -> sink.received().stream().anyMatch(r -> r.from().isEmpty()), 30, () -> sink.reads().toString());
        TestSink.Received report = sink.received().stream().filter(r -> r.from().isEmpty()).findFirst().orElseThrow();
        assertThat(report.recipients()).containsExactly("sender@origin.test");
        return report.text();
    }

    private void send(List<String> recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
            client.greeting();
            client.command("EHLO client.test");
            SmtpTestClient.expect(client.sendMail("sender@origin.test", recipients,
                    "Subject: mx\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250);
        }
    }
}
