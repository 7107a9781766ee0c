package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.TestSink;
import io.vertx.core.net.NetClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's side of TLS: a broken opportunistic handshake is retried at once on the same host in
 * plain text, and that host is then reached in plain text for a while; a destination that requires
 * TLS and finds none yields a refused connection (a deferral, not a failing site), handed out again
 * without asking the hosts for every message, and a host without TLS is passed over for one with it.
 */
class DestinationPoolTlsTest {

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
    void brokenHandshake_retriesTheSameHostInPlainText_andKeepsToPlainTextForAWhile() throws Exception {
        sink.startTls(TestSink.StartTls.BROKEN);
        DestinationPool pool = pool(Destination.route("127.0.0.1", sink.port()), loop.trustingAll());

        OutboundConnection first = open(pool);
        assertThat(first.tls()).isNull();
        assertThat(sink.connections()).isEqualTo(2); // the broken handshake, then plain text
        TransactionResult result = loop.await(() -> first.send(OnLoop.envelope("a@plain.test"), List.of(0), OnLoop.body(), 100));
        assertThat(result.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(sink.received()).singleElement().satisfies(m -> assertThat(m.overTls()).isFalse());
        loop.run(() -> pool.release(first, false));

        OutboundConnection second = open(pool);
        assertThat(second.tls()).isNull();
        assertThat(sink.connections()).isEqualTo(3);
        assertThat(String.join("", sink.reads().get(2))).doesNotContain("STARTTLS");
        assertThat(pool.inPlainText("127.0.0.1:" + sink.port())).isTrue();
    }

    @Test
    void requiredWithoutTls_refusedConnectionDefers_isNoSiteFailure_andIsReusedWithoutConnecting() throws Exception {
        Destination secure = Destination.route("localhost", sink.port()).requiringTls("secure.test");
        DestinationPool pool = pool(secure, loop.verifyingWithDefaultTrust());

        OutboundConnection refused = open(pool);
        assertThat(refused.refusal().text()).startsWith("TLS required for secure.test but localhost:" + sink.port());
        TransactionResult result = loop.await(() -> refused.send(OnLoop.envelope("a@secure.test"), List.of(0), OnLoop.body(), 100));
        assertThat(result.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome().delivered()).isFalse();
            assertThat(o.outcome().permanent()).isFalse();
            assertThat(o.outcome().status()).hasToString("4.7.5");
        });
        assertThat(result.siteFailure()).isFalse();
        loop.run(() -> pool.release(refused, result.reusable()));
        assertThat(pool.backoffUntilMillis()).isZero();

        OutboundConnection again = open(pool);
        assertThat(again.refusal()).isEqualTo(refused.refusal());
        assertThat(sink.connections()).isEqualTo(1);
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void required_hostWithoutTlsIsPassedOver_forTheNextOneWithIt() throws Exception {
        try (TestSink withTls = TestSink.start(true)) {
            withTls.startTls(TestSink.StartTls.OFFER);
            Destination secure = new Destination("mx:test", List.of(
                    new Destination.Candidate("localhost", "127.0.0.1", sink.port()),
                    new Destination.Candidate("localhost", "127.0.0.1", withTls.port()))).requiringTls("secure.test");
            DestinationPool pool = pool(secure, loop.verifyingTrusting(TestSink.certificate().cert()));

            OutboundConnection c = open(pool);
            assertThat(c.refusal()).isNull();
            assertThat(c.tls()).startsWith("TLSv1.");
            assertThat(c.candidate().port()).isEqualTo(withTls.port());
        }
    }

    @Test
    void requiredAndOpportunistic_neverShareAPool() {
        Destination mx = Destination.route("mx.example.net", 25);
        assertThat(mx.requiringTls("secure.test").key()).isNotEqualTo(mx.key())
                .isNotEqualTo(mx.requiringTls("other.test").key());
        assertThat(mx.tlsPolicy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(mx.requiringTls("secure.test").tlsPolicy()).isEqualTo(TlsPolicy.required("secure.test"));
    }

    private DestinationPool pool(Destination destination, NetClient client) {
        return new DestinationPool(destination, loop.vertx, client, "mx.hermod.test", OnLoop.TIMEOUTS,
                new ConnectionBudget(10), 100, DeliveryObserver.NONE);
    }

    private OutboundConnection open(DestinationPool pool) throws Exception {
        return loop.await(() -> {
            if (!pool.tryReserve(1, System.currentTimeMillis())) {
                throw new AssertionError("no connection could be reserved");
            }
            return pool.open();
        });
    }
}
