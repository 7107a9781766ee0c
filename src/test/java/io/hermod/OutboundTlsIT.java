package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.hermod.support.Await;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound TLS end to end: a next hop that offers STARTTLS gets the message over TLS, and the
 * event log says which protocol and cipher; one whose handshake breaks gets it in plain text on
 * the retry to the same host; a domain in {@code delivery.tls.required_domains} whose next hop
 * has no TLS gets nothing, and its recipient stays pending with a 4.7.5 reason.
 */
class OutboundTlsIT {

    @TempDir
    Path dir;

    @Test
    void nextHopOffersStartTls_getsTheMessageOverTls_andTheEventNamesTheProtocol() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            sink.startTls(TestSink.StartTls.OFFER);
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
            try {
                RetryIT.send(hermod.smtpPort(), List.of("a@tls.test"));
                Await.until(() -> sink.received().size() == 1, 30, () -> sink.reads().toString());

                TestSink.Received got = sink.received().get(0);
                assertThat(got.tls()).isIn("TLSv1.2", "TLSv1.3");
                assertThat(String.join("", sink.reads().get(0))).contains("STARTTLS\r\n");

                JsonObject delivery = awaitEvent(hermod, "Delivery", "a@tls.test");
                assertThat(delivery.getString("detail")).startsWith(got.tls() + " TLS_");
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void handshakeFails_messageGoesInPlainTextOnTheRetryToTheSameHost() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            sink.startTls(TestSink.StartTls.BROKEN);
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
            try {
                RetryIT.send(hermod.smtpPort(), List.of("a@broken-tls.test"));
                Await.until(() -> sink.received().size() == 1, 30, () -> sink.reads().toString());

                assertThat(sink.received().get(0).overTls()).isFalse();
                assertThat(sink.connections()).isEqualTo(2);
                assertThat(String.join("", sink.reads().get(0))).contains("STARTTLS\r\n");
                assertThat(String.join("", sink.reads().get(1))).doesNotContain("STARTTLS");
                JsonObject delivery = awaitEvent(hermod, "Delivery", "a@broken-tls.test");
                assertThat(delivery.getInteger("attempt")).isEqualTo(1); // the same attempt, not a deferral
                assertThat(delivery.containsKey("detail")).isFalse();
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void requiredDomainWithoutTls_isDeferredWith475_andNothingIsSentInClear() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                      tls:
                        required_domains: [secure.test]
                    queue:
                      retry: {initial: 1s, max: 2s}
                    """);
            try {
                String id = RetryIT.send(hermod.smtpPort(), List.of("a@secure.test", "b@plain.test"));
                Await.until(() -> sink.deliveredRecipients().contains("b@plain.test"), 30, () -> sink.reads().toString());

                MessageId messageId = MessageId.parse(id);
                Recipient[] secure = new Recipient[1];
                Await.until(() -> {
                    Envelope e = hermod.spool().envelope(messageId).orElseThrow();
                    secure[0] = e.recipients().stream().filter(r -> r.address().equals("a@secure.test")).findFirst()
                            .orElseThrow();
                    return secure[0].attempts() >= 1;
                }, 30, () -> String.valueOf(secure[0]));
                assertThat(secure[0].state()).isEqualTo(RecipientState.PENDING);
                assertThat(secure[0].lastResult()).isEqualTo("4.7.5 TLS required for secure.test but 127.0.0.1:"
                        + sink.port() + " does not offer STARTTLS");

                // a retry comes and goes: a second attempt is recorded, and still nothing went in clear
                Await.until(() -> hermod.spool().envelope(messageId).orElseThrow().recipients().get(0).attempts() >= 2,
                        30, () -> String.valueOf(hermod.spool().envelope(messageId)));
                assertThat(RetryIT.rcptCount(sink, "a@secure.test")).isZero();
                assertThat(sink.deliveredRecipients()).containsExactly("b@plain.test");
                assertThat(hermod.spool().envelope(messageId).orElseThrow().recipients().get(0).state())
                        .isEqualTo(RecipientState.PENDING);
                JsonObject deferred = awaitEvent(hermod, "TransientFailure", "a@secure.test");
                assertThat(deferred.getString("enhanced")).isEqualTo("4.7.5");
            } finally {
                hermod.close();
            }
        }
    }

    private JsonObject awaitEvent(Hermod hermod, String type, String recipient) throws Exception {
        Path log = dir.resolve("events.log");
        JsonObject[] found = new JsonObject[1];
        Await.until(() -> {
            hermod.events().flush();
            try {
                for (String line : Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.<String>of()) {
                    JsonObject event = new JsonObject(line);
                    if (type.equals(event.getString("type")) && recipient.equals(event.getString("recipient"))) {
                        found[0] = event;
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return false;
        }, 30, () -> "no " + type + " event for " + recipient);
        return found[0];
    }
}
