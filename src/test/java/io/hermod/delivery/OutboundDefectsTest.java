package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.SpoolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Next hops that misbehave, and a body that cannot be read: each case once lost or misfiled mail.
 * A real loopback server answers as the test's script says; the client runs on one event loop.
 */
class OutboundDefectsTest {

    private final OnLoop loop = new OnLoop();
    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        loop.close();
    }

    private DestinationPool pool(ClientTimeouts timeouts) {
        return loop.poolTo(server, timeouts);
    }

    private OutboundConnection open(DestinationPool pool) throws Exception {
        return loop.open(pool);
    }

    private TransactionResult send(OutboundConnection c, BodySource body, int maxRecipients, String... recipients)
            throws Exception {
        List<Integer> indexes = java.util.stream.IntStream.range(0, recipients.length).boxed().toList();
        return loop.await(() -> c.send(OnLoop.envelope(recipients), indexes, body, maxRecipients));
    }

    @Test
    void surplusReplyAfterEndOfData_makesTheConnectionUnusable_soItNeverAnswersTheNextMail() throws Exception {
        server = new ScriptedServer((session, line) ->
                line.equals(".") && session.messages == 1 ? "250 2.0.0 Ok: queued\r\n502 5.5.2 stale\r\n" : null);
        DestinationPool pool = pool(OnLoop.TIMEOUTS);
        OutboundConnection c = open(pool);

        TransactionResult first = send(c, OnLoop.body(), 100, "a@example.net");
        assertThat(first.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(first.reusable()).isFalse();
        loop.run(() -> pool.release(c, first.reusable()));
        assertThat(loop.await(() -> Future.succeededFuture(pool.takeIdle()))).isNull();

        // the next message goes over a fresh connection and is delivered, not bounced with the stale 502
        OutboundConnection fresh = open(pool);
        TransactionResult second = send(fresh, OnLoop.body(), 100, "b@example.net");
        assertThat(second.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void closing421OnACachedConnection_isNoSiteFailure_andTheRecipientsGoOutAgain() throws Exception {
        server = new ScriptedServer((session, line) -> {
            if (line.startsWith("MAIL") && session.messages == 1) {
                session.socket.write("421 4.4.2 scripted.test idle too long, closing\r\n")
                        .onComplete(v -> session.socket.close());
                return "";
            }
            return null;
        });
        DestinationPool pool = pool(OnLoop.TIMEOUTS);
        OutboundConnection c = open(pool);
        TransactionResult first = send(c, OnLoop.body(), 100, "a@example.net");
        assertThat(first.reusable()).isTrue();
        loop.run(() -> pool.release(c, true));
        OutboundConnection cached = loop.await(() -> Future.succeededFuture(pool.takeIdle()));
        assertThat(cached).isSameAs(c);

        TransactionResult second = send(cached, OnLoop.body(), 100, "b@example.net", "c@example.net");
        assertThat(second.siteFailure()).isFalse();
        assertThat(second.reusable()).isFalse();
        assertThat(second.outcomes()).extracting(RecipientOutcome::outcome)
                .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Unsent.class));
        assertThat(pool.backoffUntilMillis()).isZero();
    }

    @Test
    void closing421OnAFreshConnection_isASiteFailure() throws Exception {
        server = new ScriptedServer((session, line) -> line.startsWith("MAIL") ? "421 4.3.2 shutting down\r\n" : null);
        OutboundConnection c = open(pool(OnLoop.TIMEOUTS));
        TransactionResult result = send(c, OnLoop.body(), 100, "a@example.net");
        assertThat(result.siteFailure()).isTrue();
        assertThat(result.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isInstanceOf(Outcome.Answered.class);
            assertThat(o.outcome().code()).isEqualTo(421);
        });
    }

    @Test
    void endOfDataTimeout_startsAfterTheFinalDot_notBeforeTheBody() throws Exception {
        server = new ScriptedServer((session, line) -> null);
        ClientTimeouts oneSecond = ClientTimeouts.rfc5321().cappedAt(Duration.ofSeconds(1));
        OutboundConnection c = open(pool(oneSecond));
        // three chunks, each ready after 600 ms: the body takes longer than the end-of-data timeout
        BodySource slow = new BodySource() {
            @Override
            public int chunks() {
                return 3;
            }

            @Override
            public Future<byte[]> chunk(int index) {
                Promise<byte[]> later = Promise.promise();
                loop.vertx.setTimer(600, t -> later.complete(("Line " + index + "\r\n").getBytes()));
                return later.future();
            }
        };
        TransactionResult result = send(c, slow, 100, "a@example.net");
        assertThat(result.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome().text()).isEqualTo("250 2.0.0 Ok: queued");
            assertThat(o.outcome().delivered()).isTrue();
        });
    }

    @Test
    void spoolReadFailure_abortsTheTransactionAtOnce_withoutTheFinalDot() throws Exception {
        server = new ScriptedServer((session, line) -> null);
        OutboundConnection c = open(pool(ClientTimeouts.rfc5321().cappedAt(Duration.ofSeconds(15))));
        BodySource broken = new BodySource() {
            @Override
            public int chunks() {
                return 2;
            }

            @Override
            public Future<byte[]> chunk(int index) {
                return index == 0 ? Future.succeededFuture("Subject: x\r\n\r\npart one\r\n".getBytes())
                        : Future.failedFuture(new SpoolException("body chunk 1 of 000000000001 is missing", null));
            }
        };
        TransactionResult result = send(c, broken, 100, "a@example.net");
        assertThat(result.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
                assertThat(f.failure()).isEqualTo(Failure.SPOOL_READ);
                assertThat(f.step()).isEqualTo(ClientStep.MESSAGE);
                assertThat(f.detail()).contains("is missing");
            });
            assertThat(o.outcome().permanent()).isFalse();
        });
        assertThat(result.reusable()).isFalse();
        assertThat(result.siteFailure()).isFalse();
        assertThat(server.lines).doesNotContain("1 .");
    }

    @Test
    void recipientsOverTheCap_andA452AfterOthersWereAccepted_goInTheNextTransaction() throws Exception {
        server = new ScriptedServer((session, line) -> line.contains("<c@") ? "452 4.5.3 Too many recipients\r\n" : null);
        OutboundConnection c = open(pool(OnLoop.TIMEOUTS));
        TransactionResult result = send(c, OnLoop.body(), 3, "a@example.net", "b@example.net", "c@example.net",
                "d@example.net");
        assertThat(result.outcomes()).extracting(RecipientOutcome::index).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(result.outcomes()).filteredOn(o -> o.index() < 2)
                .allSatisfy(o -> assertThat(o.outcome().delivered()).isTrue());
        assertThat(result.outcomes()).filteredOn(o -> o.index() >= 2)
                .allSatisfy(o -> assertThat(o.outcome()).isInstanceOf(Outcome.Unsent.class));
        assertThat(server.lines).filteredOn(l -> l.contains("RCPT")).hasSize(3);
        assertThat(result.reusable()).isTrue();
    }

    @Test
    void a452WithNothingAccepted_isAnOrdinaryDeferral() throws Exception {
        server = new ScriptedServer((session, line) -> line.startsWith("RCPT") ? "452 4.3.1 Insufficient storage\r\n" : null);
        OutboundConnection c = open(pool(OnLoop.TIMEOUTS));
        TransactionResult result = send(c, OnLoop.body(), 100, "a@example.net");
        assertThat(result.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isInstanceOf(Outcome.Answered.class);
            assertThat(o.outcome().code()).isEqualTo(452);
        });
    }
}
