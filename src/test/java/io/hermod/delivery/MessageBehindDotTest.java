package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message sent behind the previous one's final dot (RFC 2920 3.1: the content may be the first
 * command of a group): its MAIL, RCPT and DATA share the dot's write, its replies follow the
 * end-of-data reply; when the connection ends over the previous message it was never tried, and a
 * reply out of step with the commands is never read as its answer.
 */
class MessageBehindDotTest {

    private final OnLoop loop = new OnLoop();
    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        loop.close();
    }

    private OutboundConnection open(ClientTimeouts timeouts) throws Exception {
        return loop.open(loop.poolTo(server, timeouts));
    }

    /** The first and the second message's results; the second is sent when the first's dot is written. */
    private record Pair(TransactionResult first, TransactionResult second, boolean secondSent) {
    }

    private Pair sendTwo(OutboundConnection c) throws Exception {
        Promise<TransactionResult> second = Promise.promise();
        boolean[] sent = new boolean[1];
        TransactionResult first = loop.await(() -> c.send(OnLoop.envelope("a@example.net"), List.of(0), OnLoop.body(),
                100, ReturnPath.ENVELOPE, () -> {
                    sent[0] = true;
                    assertThat(c.inFlight()).isEqualTo(1);
                    c.send(OnLoop.envelope("b@example.net", "c@example.net"), List.of(0, 1), OnLoop.body(), 100,
                            ReturnPath.ENVELOPE, null).onComplete(second);
                }));
        if (!sent[0]) {
            return new Pair(first, null, false);
        }
        TransactionResult after = second.future().toCompletionStage().toCompletableFuture()
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
        return new Pair(first, after, true);
    }

    @Test
    void theNextMessagesCommands_goOutInTheDotsWrite_andBothAreDelivered() throws Exception {
        server = new ScriptedServer((session, line) -> null);
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.secondSent()).isTrue();
        assertThat(pair.first().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(pair.second().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true, true);
        assertThat(pair.second().reusable()).isTrue();
        assertThat(c.inFlight()).isZero();
        assertThat(server.reads).anySatisfy(read -> assertThat(read).contains(
                "\r\n.\r\nMAIL FROM:<sender@example.com>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n"));
        assertThat(server.lines).containsSubsequence("1 .", "1 MAIL FROM:<sender@example.com>", "1 DATA", "1 .");
    }

    @Test
    void serverClosingAfterTheFirstMessage_defersTheSecond_asAnyLostConnection() throws Exception {
        // it may have read the second MAIL and dropped the connection over it: never "unsent", or
        // a message that makes the server drop the connection would come back for ever
        server = new ScriptedServer((session, line) -> {
            if (line.equals(".") && session.messages == 1) {
                session.socket.write("250 2.0.0 Ok: queued\r\n");
                session.socket.close(); // at once: what followed the dot in the same read is never answered
                return "";
            }
            return null;
        });
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.first().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertAllFailed(pair.second(), 2, Failure.LOST_CONNECTION, ClientStep.MAIL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"250 2.0.0 stray", "550 5.7.1 stray"})
    void aSurplusReplyToTheFirstDot_isNeverReadAsTheSecondsAnswers(String stray) throws Exception {
        // the second message's replies shift by one: its DATA gets its RCPT's 250, which no server
        // sends to DATA; it must not be taken as delivered (body never sent) nor bounced with the stray
        server = new ScriptedServer((session, line) ->
                line.equals(".") && session.messages == 1 ? "250 2.0.0 Ok: queued\r\n" + stray + "\r\n" : null);
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.first().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertAllFailed(pair.second(), 2, Failure.PROTOCOL, ClientStep.DATA);
        assertThat(pair.second().reusable()).isFalse();
        assertThat(server.lines).filteredOn(l -> l.equals("1 .")).hasSize(1); // the second body never went out
    }

    @Test
    void a421ToTheFirstDot_answersTheFirst_andLeavesTheSecondUnsent() throws Exception {
        server = new ScriptedServer((session, line) -> {
            if (line.equals(".") && session.messages == 1) {
                session.socket.write("421 4.3.2 scripted.test going down\r\n");
                session.socket.close();
                return "";
            }
            return null;
        });
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.first().outcomes()).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isInstanceOf(Outcome.Answered.class);
            assertThat(o.outcome().code()).isEqualTo(421);
        });
        assertThat(pair.second().outcomes()).extracting(RecipientOutcome::outcome)
                .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Unsent.class));
    }

    @Test
    void noEndOfDataReply_timesOutTheFirst_andLeavesTheSecondUnsent() throws Exception {
        server = new ScriptedServer((session, line) -> session.messages > 0 ? "" : null); // silent from the dot on
        OutboundConnection c = open(ClientTimeouts.rfc5321().cappedAt(Duration.ofSeconds(1)));

        Pair pair = sendTwo(c);

        assertAllFailed(pair.first(), 1, Failure.TIMEOUT, ClientStep.END_OF_DATA);
        assertThat(pair.second().outcomes()).extracting(RecipientOutcome::outcome)
                .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Unsent.class));
    }

    @Test
    void aSecondMessageRefusedAtMail_isAnsweredOnItsOwn() throws Exception {
        server = new ScriptedServer((session, line) ->
                line.startsWith("MAIL") && session.messages == 1 ? "550 5.7.1 sender refused\r\n" : null);
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.first().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(pair.second().outcomes()).extracting(o -> o.outcome().code()).containsExactly(550, 550);
        assertThat(pair.second().reusable()).isTrue();
    }

    @Test
    void aFailureWhileStartingTheNext_leavesTheFirstDelivered() throws Exception {
        server = new ScriptedServer((session, line) -> null);
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        TransactionResult first = loop.await(() -> c.send(OnLoop.envelope("a@example.net"), List.of(0), OnLoop.body(),
                100, ReturnPath.ENVELOPE, () -> {
                    throw new IllegalStateException("no next message (test)");
                }));

        assertThat(first.outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
        assertThat(first.reusable()).isTrue();
    }

    @Test
    void withoutPipelining_nothingIsSentBehindTheDot() throws Exception {
        server = new ScriptedServer((session, line) ->
                line.toUpperCase(java.util.Locale.ROOT).startsWith("EHLO") ? "250-scripted.test\r\n250 8BITMIME\r\n" : null);
        OutboundConnection c = open(OnLoop.TIMEOUTS);

        Pair pair = sendTwo(c);

        assertThat(pair.secondSent()).isFalse();
        assertThat(pair.first().outcomes()).extracting(o -> o.outcome().delivered()).containsExactly(true);
    }

    /** Every one of {@code count} recipients failed with {@code failure} at {@code step}: no server reply decided it. */
    private static void assertAllFailed(TransactionResult result, int count, Failure failure, ClientStep step) {
        assertThat(result.outcomes()).hasSize(count).extracting(RecipientOutcome::outcome)
                .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
                    assertThat(f.failure()).isEqualTo(failure);
                    assertThat(f.step()).isEqualTo(step);
                }));
    }
}
