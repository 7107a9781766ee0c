package io.hermod.cluster.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.Hermod;
import io.hermod.config.ConfigLoader;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiving side of a hand-off, {@code POST /api/v1/admin/transfer}, on a real Hermod: a good
 * batch is committed with its states and due times, a batch sent again is not committed twice, and
 * a bad request (no token, garbage, cut short, too large, from itself) commits nothing.
 */
class TransferEndpointTest {

    static final String TOKEN = "s3cret-token";
    static final long MAX_MESSAGE_SIZE = 4096;

    @TempDir
    Path dir;
    Hermod hermod;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        hermod = Hermod.start(ConfigLoader.parse("""
                hostname: receiver.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                  max_message_size: %d
                http:
                  listen: "127.0.0.1:0"
                  token: %s
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:1"}
                queue:
                  retry: {initial: 1h}
                """.formatted(MAX_MESSAGE_SIZE, TOKEN, dir.resolve("spool"), dir.resolve("events.log")), Map.of()));
    }

    @AfterEach
    void stop() {
        hermod.close();
    }

    /** Deferred an hour, a delivered and a bounced recipient, a prefix and two small chunks. */
    static TransferredMessage message(String transferId) {
        long now = System.currentTimeMillis();
        return new TransferredMessage(transferId, "sender@example.com", List.of(
                new Recipient("later@example.org", RecipientState.PENDING, 2, now + 3_600_000, "451 4.7.1 later",
                        "rate-limited"),
                new Recipient("done@example.net", RecipientState.DELIVERED, 1, 0, "250 ok"),
                new Recipient("gone@example.net", RecipientState.BOUNCED, 1, 0, "550 5.1.1 unknown",
                        "invalid-recipient")),
                now - 60_000, false, false, false, "client.example", "192.0.2.9", null,
                "DKIM-Signature: v=1\r\n".getBytes(StandardCharsets.US_ASCII),
                List.of("Subject: hi\r\n".getBytes(StandardCharsets.US_ASCII),
                        "\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    HttpResponse<String> post(byte[] body, String contentType, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + hermod.httpPort() + "/api/v1/admin/transfer"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", contentType);
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(byte[] body) throws Exception {
        return post(body, TransferCodec.CONTENT_TYPE, TOKEN);
    }

    @Test
    void batch_isCommittedWithStatesDueTimesAndPrefix_andQueued() throws Exception {
        TransferredMessage sent = message("peer-spool:0000000000000007");

        HttpResponse<String> answer = post(TransferCodec.encode(List.of(sent)));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getInteger("committed")).isEqualTo(1);
        List<Envelope> stored = hermod.spool().envelopes();
        assertThat(stored).hasSize(1);
        Envelope e = stored.get(0);
        assertThat(e.id().toString()).isEqualTo(new JsonObject(answer.body()).getJsonArray("ids").getString(0));
        assertThat(e.arrivalMillis()).isEqualTo(sent.arrivalMillis());
        assertThat(e.recipients()).isEqualTo(sent.recipients());
        assertThat(new String(hermod.spool().body(e), StandardCharsets.US_ASCII))
                .isEqualTo("DKIM-Signature: v=1\r\nSubject: hi\r\n\r\nbody\r\n");
        assertThat(hermod.queue().messages()).isEqualTo(1);
        String metrics = api("GET", "/metrics", null).body();
        assertThat(metrics).contains("hermod_handoff_received_total{result=\"committed\"} 1.0",
                "hermod_handoff_received_total{result=\"duplicate\"} 0.0",
                "hermod_handoff_messages_total{result=\"moved\"} 0.0",
                "hermod_handoff_messages_total{result=\"failed\"} 0.0", "hermod_handoff_remaining 0.0");
    }

    @Test
    void batchSentAgain_isRecognised_notCommittedTwice() throws Exception {
        byte[] batch = TransferCodec.encode(List.of(message("peer-spool:0000000000000001"),
                message("peer-spool:0000000000000002")));
        assertThat(post(batch).statusCode()).isEqualTo(200);

        HttpResponse<String> again = post(batch);

        assertThat(again.statusCode()).isEqualTo(200);
        JsonObject json = new JsonObject(again.body());
        assertThat(json.getInteger("committed")).isZero();
        assertThat(json.getInteger("duplicates")).isEqualTo(2);
        assertThat(hermod.spool().envelopes()).hasSize(2);
    }

    @Test
    void withoutTheToken_401_nothingCommitted() throws Exception {
        byte[] batch = TransferCodec.encode(List.of(message("peer-spool:0000000000000001")));
        assertThat(post(batch, TransferCodec.CONTENT_TYPE, null).statusCode()).isEqualTo(401);
        assertThat(post(batch, TransferCodec.CONTENT_TYPE, "wrong").statusCode()).isEqualTo(401);
        assertThat(hermod.spool().envelopes()).isEmpty();
    }

    @Test
    void garbage_cutShort_orNotABatch_400_nothingCommitted() throws Exception {
        byte[] batch = TransferCodec.encode(List.of(message("peer-spool:0000000000000001"),
                message("peer-spool:0000000000000002")));
        HttpResponse<String> cut = post(Arrays.copyOf(batch, batch.length - 3));
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(cut.body()).getString("error")).contains("cut short");
        assertThat(post("{\"to\": 1}".getBytes(StandardCharsets.US_ASCII)).statusCode()).isEqualTo(400);
        assertThat(post(new byte[0]).statusCode()).isEqualTo(400);
        assertThat(post(batch, "application/json", TOKEN).statusCode()).isEqualTo(415);
        assertThat(hermod.spool().envelopes()).isEmpty();
        assertThat(hermod.queue().messages()).isZero();
    }

    @Test
    void messageOverMaxMessageSize_orBodyOverTheLimit_413_nothingCommitted() throws Exception {
        TransferredMessage small = message("peer-spool:0000000000000001");
        TransferredMessage big = new TransferredMessage("peer-spool:0000000000000002", small.sender(),
                small.recipients(), small.arrivalMillis(), false, false, false, "", "", null, null,
                List.of(new byte[(int) MAX_MESSAGE_SIZE + 1]));
        HttpResponse<String> answer = post(TransferCodec.encode(List.of(small, big)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);

        byte[] huge = new byte[(int) (Math.max(MAX_MESSAGE_SIZE, 2L << 20) + (8L << 20)) + 1];
        assertThat(post(huge).statusCode()).isEqualTo(413);
        assertThat(hermod.spool().envelopes()).isEmpty();
    }

    HttpResponse<String> api(String method, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + TOKEN)
                .header("content-type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminHandoff_badTarget_400_nothingStarts() throws Exception {
        assertThat(api("POST", "/api/v1/admin/handoff", "{\"to\": \"ftp://peer:8025\"}").statusCode()).isEqualTo(400);
        assertThat(api("POST", "/api/v1/admin/handoff", "{\"to\": 8025}").statusCode()).isEqualTo(400);
        assertThat(api("POST", "/api/v1/admin/handoff", "{\"to\": \"http://peer:8025\", \"now\": true}")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> noPeer = api("POST", "/api/v1/admin/handoff", null);
        assertThat(noPeer.statusCode()).isEqualTo(400);
        assertThat(noPeer.body()).contains("cluster.handoff_to");
        assertThat(new JsonObject(api("GET", "/api/v1/admin/handoff", null).body()).getString("state")).isEqualTo("idle");
        assertThat(hermod.isReady()).isTrue();
    }

    @Test
    void adminHandoff_closesIntake_andReportsWhenDone() throws Exception {
        HttpResponse<String> started = api("POST", "/api/v1/admin/handoff",
                "{\"to\": \"http://127.0.0.1:" + hermod.httpPort() + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

        io.hermod.support.Await.until(() -> {
            try {
                return new JsonObject(api("GET", "/api/v1/admin/handoff", null).body()).getString("state").equals("done");
            } catch (Exception e) {
                return false;
            }
        }, 30, () -> "hand-off not done");
        JsonObject status = new JsonObject(api("GET", "/api/v1/admin/handoff", null).body());
        assertThat(status.getLong("moved")).isZero();
        assertThat(status.getLong("remaining")).isZero();
        assertThat(status.getString("to")).isEqualTo("http://127.0.0.1:" + hermod.httpPort());
        assertThat(hermod.isReady()).isFalse();
        assertThat(api("GET", "/health/ready", null).statusCode()).isEqualTo(503);
        assertThat(api("POST", "/api/v1/messages", "{}").statusCode()).isEqualTo(503);
        // And the pod takes no transfers while it is leaving itself.
        assertThat(post(TransferCodec.encode(List.of(message("peer-spool:0000000000000001")))).statusCode())
                .isEqualTo(503);
    }

    @Test
    void batchFromItsOwnSpool_409() throws Exception {
        String own = hermod.spool().identity();
        HttpResponse<String> answer = post(TransferCodec.encode(List.of(message(own + ":0000000000000001"))));
        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(hermod.spool().envelopes()).isEmpty();
    }
}
