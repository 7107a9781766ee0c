package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.TestSink;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's STARTTLS step against the test sink: opportunistic TLS takes what is offered
 * and carries on in plain text when refused, and fails (for the pool to retry in plain text) when
 * the handshake breaks; required TLS verifies the certificate and its name and refuses, with a
 * 4.7.5 deferral and no mail sent, whenever it cannot have that.
 */
class StartTlsTest {

    private OnLoop loop;
    private TestSink sink;

    @BeforeEach
    void start() throws Exception {
        loop = new OnLoop();
        sink = TestSink.start(true);
    }

    @AfterEach
    void stop() throws Exception {
        sink.close();
        loop.close();
    }

    @Test
    void offered_opportunistic_messageGoesOverTls_withTheCapabilitiesAskedForAgain() throws Exception {
        sink.startTls(TestSink.StartTls.OFFER);
        OutboundConnection c = open(loop.trustingAll(), host("127.0.0.1"), TlsPolicy.OPPORTUNISTIC);

        assertThat(c.tls()).matches("TLSv1\\.[23] TLS_\\S+");
        // the sink no longer offers STARTTLS over TLS: the capabilities are those of the second EHLO
        assertThat(c.capabilities().startTls()).isFalse();
        assertThat(c.capabilities().pipelining()).isTrue();
        TransactionResult result = loop.await(() -> c.send(OnLoop.envelope("a@tls.test"), List.of(0), OnLoop.body(), 100));
        assertThat(result.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(result.tls()).isEqualTo(c.tls());
        assertThat(result.remote().name()).isEqualTo("127.0.0.1");
        assertThat(sink.received()).singleElement().satisfies(m -> assertThat(m.tls()).isIn("TLSv1.2", "TLSv1.3"));
        assertThat(sink.connections()).isEqualTo(1);
    }

    @Test
    void notOffered_opportunistic_staysInPlainText() throws Exception {
        OutboundConnection c = open(loop.trustingAll(), host("127.0.0.1"), TlsPolicy.OPPORTUNISTIC);

        assertThat(c.tls()).isNull();
        loop.await(() -> c.send(OnLoop.envelope("a@tls.test"), List.of(0), OnLoop.body(), 100));
        assertThat(sink.received()).singleElement().satisfies(m -> assertThat(m.overTls()).isFalse());
        assertThat(String.join("", sink.reads().get(0))).doesNotContain("STARTTLS");
    }

    @Test
    void refused454_opportunistic_goesOnInPlainTextOnTheSameConnection() throws Exception {
        sink.startTls(TestSink.StartTls.REFUSE);
        OutboundConnection c = open(loop.trustingAll(), host("127.0.0.1"), TlsPolicy.OPPORTUNISTIC);

        assertThat(c.tls()).isNull();
        assertThat(c.isOpen()).isTrue();
        TransactionResult result = loop.await(() -> c.send(OnLoop.envelope("a@tls.test"), List.of(0), OnLoop.body(), 100));
        assertThat(result.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(sink.received()).singleElement().satisfies(m -> assertThat(m.overTls()).isFalse());
        assertThat(sink.connections()).isEqualTo(1);
    }

    @Test
    void brokenHandshake_opportunistic_failsForThePoolToRetryInPlainText() throws Exception {
        sink.startTls(TestSink.StartTls.BROKEN);
        Throwable e = loop.failure(() -> connect(loop.trustingAll(), host("127.0.0.1"), TlsPolicy.OPPORTUNISTIC));

        assertThat(e).isInstanceOf(StartTlsException.class).hasMessageContaining("127.0.0.1:" + sink.port());
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void plainTextAfterThe220_isNeverRead_andEndsTheConnection() throws Exception {
        // a man in the middle appends a reply to the 220, hoping it is read as the server's word over TLS
        NetServer injecting = loop.vertx.createNetServer().connectHandler(socket -> {
            socket.write("220 mitm.test ESMTP\r\n");
            socket.handler(b -> {
                String line = b.toString().trim();
                if (line.startsWith("EHLO")) {
                    socket.write("250-mitm.test\r\n250 STARTTLS\r\n");
                } else if (line.equals("STARTTLS")) {
                    socket.write("220 2.0.0 go ahead\r\n250-mitm.test\r\n250 PIPELINING\r\n");
                }
            });
        });
        int port = injecting.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        Destination.Candidate mitm = new Destination.Candidate("127.0.0.1", "127.0.0.1", port);

        Throwable e = loop.failure(() -> connect(loop.trustingAll(), mitm, TlsPolicy.OPPORTUNISTIC));
        assertThat(e).isInstanceOf(StartTlsException.class)
                .hasMessage("127.0.0.1:" + port + " sent plain text after its 220 to STARTTLS");

        OutboundConnection required = open(loop.verifyingWithDefaultTrust(), mitm, TlsPolicy.required("secure.test"));
        assertThat(required.refusal().text()).isEqualTo("TLS required for secure.test but 127.0.0.1:" + port
                + " sent plain text after its 220 to STARTTLS");
    }

    @Test
    void required_notOffered_isRefusedWith475_andCarriesNoMail() throws Exception {
        OutboundConnection c = open(loop.verifyingWithDefaultTrust(), host("localhost"), TlsPolicy.required("secure.test"));

        String refusal = "TLS required for secure.test but localhost[127.0.0.1]:" + sink.port()
                + " does not offer STARTTLS";
        assertThat(c.refusal().text()).isEqualTo(refusal);
        assertThat(c.refusal().status()).hasToString("4.7.5");
        assertThat(c.isOpen()).isFalse();
        TransactionResult result = loop.await(() -> c.send(OnLoop.envelope("a@secure.test", "b@secure.test"),
                List.of(0, 1), OnLoop.body(), 100));
        assertThat(result.outcomes()).containsExactly(
                new RecipientOutcome(0, c.refusal()), new RecipientOutcome(1, c.refusal()));
        assertThat(result.siteFailure()).isFalse();
        assertThat(result.reusable()).isFalse();
        assertThat(result.tls()).isNull();
        // the session ends politely, and no message command was ever sent
        Await.until(() -> String.join("", sink.reads().get(0)).contains("QUIT\r\n"), 10, () -> sink.reads().toString());
        assertThat(String.join("", sink.reads().get(0))).doesNotContain("MAIL FROM");
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void required_startTlsRefused_isRefused() throws Exception {
        sink.startTls(TestSink.StartTls.REFUSE);
        OutboundConnection c = open(loop.verifyingWithDefaultTrust(), host("localhost"), TlsPolicy.required("secure.test"));

        assertThat(c.refusal().text()).isEqualTo("TLS required for secure.test but localhost[127.0.0.1]:"
                + sink.port() + " answered STARTTLS with 454 4.7.0 TLS not available due to temporary reason");
    }

    @Test
    void required_untrustedCertificate_isRefused() throws Exception {
        sink.startTls(TestSink.StartTls.OFFER);
        OutboundConnection c = open(loop.verifyingWithDefaultTrust(), host("localhost"), TlsPolicy.required("secure.test"));

        assertThat(c.refusal().text()).startsWith("TLS required for secure.test but TLS handshake with localhost[127.0.0.1]:"
                + sink.port() + " failed: ");
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void required_certificateForAnotherName_isRefused() throws Exception {
        sink.startTls(TestSink.StartTls.OFFER);
        OutboundConnection c = open(loop.verifyingTrusting(TestSink.certificate().cert()), host("mx.secure.test"),
                TlsPolicy.required("secure.test"));

        assertThat(c.refusal().text()).startsWith("TLS required for secure.test but TLS handshake with mx.secure.test[");
    }

    @Test
    void required_trustedCertificateForTheMxName_deliversOverTls() throws Exception {
        sink.startTls(TestSink.StartTls.OFFER);
        OutboundConnection c = open(loop.verifyingTrusting(TestSink.certificate().cert()), host("localhost"),
                TlsPolicy.required("secure.test"));

        assertThat(c.refusal()).isNull();
        assertThat(c.tls()).startsWith("TLSv1.");
        TransactionResult result = loop.await(() -> c.send(OnLoop.envelope("a@secure.test"), List.of(0), OnLoop.body(), 100));
        assertThat(result.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(sink.received()).singleElement().satisfies(m -> assertThat(m.overTls()).isTrue());
    }

    @Test
    void serverName_isTheHostName_orNoneForAnAddress() {
        assertThat(StartTls.serverName("mx1.example.net.")).isEqualTo("mx1.example.net");
        assertThat(StartTls.serverName("localhost")).isEqualTo("localhost");
        assertThat(StartTls.serverName("127.0.0.1")).isNull();
        assertThat(StartTls.serverName("[192.0.2.1]")).isNull();
        assertThat(StartTls.serverName("2001:db8::1")).isNull();
    }

    private Destination.Candidate host(String name) {
        return new Destination.Candidate(name, "127.0.0.1", sink.port());
    }

    private OutboundConnection open(NetClient client, Destination.Candidate target, TlsPolicy policy) throws Exception {
        return loop.await(() -> connect(client, target, policy));
    }

    private Future<OutboundConnection> connect(NetClient client, Destination.Candidate target, TlsPolicy policy) {
        return OutboundConnection.open(loop.vertx, client, target, "mx.hermod.test", OnLoop.TIMEOUTS,
                DeliveryObserver.NONE, policy);
    }
}
