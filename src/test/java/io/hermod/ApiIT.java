package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.CapturedLog;
import io.hermod.api.RawHttp;
import io.hermod.support.Await;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API against a running Hermod and a real sink: injection is delivered, a suspended
 * domain's mail waits until it is resumed, a deleted message is never delivered, bad JSON is a
 * 400 and a missing token a 401; requests broken on the wire are refused without a stack trace,
 * and connections over {@code http.max_connections} are closed.
 */
class ApiIT {

    private static final String TOKEN = "s3cret-token";
    private static final int MAX_CONNECTIONS = 4;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestSink sink;
    private Hermod hermod;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        sink = TestSink.start(true);
        hermod = Hermod.start(io.hermod.config.ConfigLoader.parse("""
                hostname: mx.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                  token: "%s"
                  max_connections: %d
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:%d"}
                  max_connections_per_destination: 1
                """.formatted(TOKEN, MAX_CONNECTIONS, dir.resolve("spool"), dir.resolve("events.log"), sink.port()), java.util.Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        hermod.close();
        sink.close();
    }

    @Test
    void injectedMessage_isDeliveredWithItsEnvelope() throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/messages", inject("api@origin.test", "x@api.test"), TOKEN);
        assertThat(r.statusCode()).isEqualTo(202);
        String id = new JsonObject(r.body()).getString("id");
        assertThat(id).matches("[0-9A-F]{16}");
        Await.until(() -> sink.deliveredRecipients().contains("x@api.test"), 30, () -> sink.reads().toString());
        TestSink.Received got = sink.received().get(0);
        assertThat(got.from()).isEqualTo("api@origin.test");
        assertThat(got.text()).contains("Subject: via http\r\n\r\nhello over http\r\n");
    }

    @Test
    void suspendedDomain_holdsItsMail_untilResumed() throws Exception {
        assertThat(call("POST", "/api/v1/queues/held.test/suspend", "", TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/messages", inject("api@origin.test", "x@held.test"), TOKEN).statusCode())
                .isEqualTo(202);
        // a suspended domain's mail waits in the spool, counted as scheduled
        Await.until(() -> domain("held.test") != null && domain("held.test").getInteger("scheduled") == 1, 30,
                () -> String.valueOf(domain("held.test")));
        assertThat(domain("held.test").getBoolean("suspended")).isTrue();
        assertThat(sink.received()).isEmpty();

        assertThat(call("POST", "/api/v1/queues/held.test/resume", "", TOKEN).statusCode()).isEqualTo(200);
        Await.until(() -> sink.deliveredRecipients().contains("x@held.test"), 30, () -> sink.reads().toString());
    }

    @Test
    void deletedMessage_isNeverDelivered() throws Exception {
        call("POST", "/api/v1/queues/del.test/suspend", "", TOKEN);
        String doomed = new JsonObject(call("POST", "/api/v1/messages", inject("api@origin.test", "doomed@del.test"),
                TOKEN).body()).getString("id");
        assertThat(call("GET", "/api/v1/messages/" + doomed, null, TOKEN).statusCode()).isEqualTo(200);

        assertThat(call("DELETE", "/api/v1/messages/" + doomed, null, TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/messages/" + doomed, null, TOKEN).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/messages/" + doomed, null, TOKEN).statusCode()).isEqualTo(404);

        // one connection, one queue in order: once the later message is through, the deleted one would have been
        call("POST", "/api/v1/messages", inject("api@origin.test", "kept@del.test"), TOKEN);
        call("POST", "/api/v1/queues/del.test/resume", "", TOKEN);
        Await.until(() -> sink.deliveredRecipients().contains("kept@del.test"), 30, () -> sink.reads().toString());
        assertThat(sink.deliveredRecipients()).doesNotContain("doomed@del.test");
    }

    @Test
    void badJson_is400_andMissingToken_is401_whileHealthAndMetricsStayOpen() throws Exception {
        assertThat(call("POST", "/api/v1/messages", "{not json", TOKEN).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/messages", inject("a@origin.test", "b@x.test"), null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/queues", null, "wrong").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/queues", null, TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsBrokenOnTheWire_areRefused_withoutAStackTraceInTheLog() throws Exception {
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        String message = inject("api@origin.test", "broken@api.test");
        try (CapturedLog log = CapturedLog.start()) {
            try (RawHttp c = RawHttp.connect(hermod.httpPort())) {
                c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + message + "\r\n0\r\n\r\n");
                String r = c.readUntilClosed(WAIT);
                assertThat(r.isEmpty() || RawHttp.status(r) == 400).as(r).isTrue();
            }
            try (RawHttp c = RawHttp.connect(hermod.httpPort())) {
                c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n"
                        + "Content-Length: " + (message.length() + 50) + "\r\n\r\n" + message);
                c.closeOutput();
                c.readUntilClosed(WAIT);
            }
            try (RawHttp c = RawHttp.connect(hermod.httpPort())) {
                String r = c.send("POST /api/v1/queues/%zz/suspend HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Length: 0\r\n\r\n").readResponse(WAIT);
                assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
                assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("path:");
            }
            HttpResponse<String> badDomain = call("POST", "/api/v1/queues/-held-.test/suspend", "", TOKEN);
            assertThat(badDomain.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(badDomain.body()).getString("error")).startsWith("domain:");

            // still serving; and the broken injections stored nothing, so the queue is empty
            HttpResponse<String> queues = call("GET", "/api/v1/queues", null, TOKEN);
            assertThat(queues.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(queues.body()).getJsonObject("totals").getInteger("messages")).isZero();
            assertThat(sink.deliveredRecipients()).doesNotContain("broken@api.test");
            assertThat(log.problems()).isEmpty();
        }
    }

    @Test
    void connectionOverHttpMaxConnections_isClosedAtOnce() throws Exception {
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                RawHttp c = RawHttp.connect(hermod.httpPort());
                open.add(c);
                String r = c.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(WAIT);
                assertThat(RawHttp.status(r)).as(r).isEqualTo(200);
            }
            try (RawHttp over = RawHttp.connect(hermod.httpPort())) {
                assertThat(over.readUntilClosed(WAIT)).isEmpty();
            }
        } finally {
            for (RawHttp c : open) {
                c.close();
            }
        }
    }

    private JsonObject domain(String name) {
        try {
            JsonArray domains = new JsonObject(call("GET", "/api/v1/queues", null, TOKEN).body()).getJsonArray("domains");
            for (int i = 0; i < domains.size(); i++) {
                if (name.equals(domains.getJsonObject(i).getString("domain"))) {
                    return domains.getJsonObject(i);
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String inject(String sender, String recipient) {
        return new JsonObject().put("sender", sender).put("recipients", new JsonArray().add(recipient))
                .put("message", "Subject: via http\r\n\r\nhello over http\r\n").encode();
    }

    private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
