package io.hermod.api;

import io.hermod.support.CapturedLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests broken on the wire, written as raw bytes to a running {@link HttpApi}: each gets a JSON
 * 400 (or 413, 414, 431) or a plain close, nothing is acted on, and the log holds no stack trace,
 * no "Unhandled exception" and no warning.
 */
class MalformedRequestTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INJECT = "{\"sender\":\"a@example.com\",\"recipients\":[\"x@example.net\"],"
            + "\"message\":\"Subject: hi\\r\\n\\r\\nhello\\r\\n\"}";

    @TempDir
    Path dir;

    private ApiHarness api;
    private CapturedLog log;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir);
        log = CapturedLog.start();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        api.close();
    }

    /**
     * The server has dealt with everything before: its connections share one event loop, so once a
     * later request is answered the earlier connection's events have run. Then the log is checked.
     */
    private void assertServingAndLogClean() throws Exception {
        try (RawHttp probe = RawHttp.connect(api.port())) {
            String r = probe.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(WAIT);
            assertThat(RawHttp.status(r)).as(r).isEqualTo(200);
        }
        assertThat(log.problems()).isEmpty();
    }

    /** A 400 with a JSON reason, or only a close: what a client gets whose request cannot be read. */
    private static void assertBadRequestOrClose(String response) {
        if (!response.isEmpty()) {
            assertThat(RawHttp.status(response)).as(response).isEqualTo(400);
            assertThat(new JsonObject(RawHttp.body(response)).getString("error")).isNotBlank();
        }
    }

    @Test
    void badChunkSize_inAnInjection_isA400OrClose_andNothingIsStored() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + INJECT + "\r\n0\r\n\r\n");
            assertBadRequestOrClose(c.readUntilClosed(WAIT));
        }
        assertServingAndLogClean();
        assertThat(api.queue.enqueued).isEmpty();
    }

    @Test
    void badChunkSize_inAQueueAction_isA400OrClose_andTheActionIsNotTaken() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("POST /api/v1/queues/example.com/suspend HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
            assertBadRequestOrClose(c.readUntilClosed(WAIT));
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void injectionBodyCutShort_clientCloses_isDroppedQuietly() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (INJECT.length() + 100) + "\r\n\r\n" + INJECT);
            c.closeOutput();
            assertBadRequestOrClose(c.readUntilClosed(WAIT));
        }
        assertServingAndLogClean();
        assertThat(api.queue.enqueued).isEmpty();
    }

    @Test
    void injectionBodyCutShort_connectionReset_isDroppedQuietly() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (INJECT.length() + 100) + "\r\n\r\n" + INJECT.substring(0, 20));
            // the server must have the request head before the reset, or it never routes the request
            assertServingAndLogClean();
            c.reset();
        }
        assertServingAndLogClean();
        assertThat(api.queue.enqueued).isEmpty();
    }

    @Test
    void connectionReset_whileAnswersAreWritten_isNotLogged() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (RawHttp c = RawHttp.connect(api.port())) {
                // pipelined: the server is still writing answers when the reset arrives
                c.send("GET /api/v1/queues HTTP/1.1\r\nHost: x\r\n\r\n".repeat(200));
                c.reset();
            }
        }
        assertServingAndLogClean();
    }

    @Test
    void queueActionBodyCutShort_isNotActedOn() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("POST /api/v1/queues/example.com/suspend HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
            c.closeOutput();
            assertBadRequestOrClose(c.readUntilClosed(WAIT));
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void deleteBodyCutShort_isNotActedOn() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            c.send("DELETE /api/v1/messages/0123456789ABCDEF HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
            c.closeOutput();
            assertBadRequestOrClose(c.readUntilClosed(WAIT));
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/queues/%zz/suspend", "/api/v1/queues/exa%2mple.com/suspend",
        "/api/v1/queues/example.com%/suspend", "/health/%zz"})
    void badPercentEscape_inThePath_is400NamingThePath(String path) throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").readResponse(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("path:").contains("percent");
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C3x.example", "%C3%28", "%FF.example", "%ED%A0%80.example"})
    void percentEscapesThatAreNotUtf8_are400NamingThePath(String domain) throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("POST /api/v1/queues/" + domain + "/suspend HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    .readResponse(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("path:").contains("UTF-8");
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void rawUtf8InThePath_is400AskingForPercentEncoding() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            // "é" as its two UTF-8 octets, unescaped (RawHttp sends each char as one octet)
            String r = c.send("POST /api/v1/queues/caf\u00c3\u00a9.example/suspend HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 0\r\n\r\n").readResponse(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("path:").contains("ASCII");
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void bodyOnACallThatTakesNone_overTheLimit_is413_andNotActedOn() throws Exception {
        String body = "x".repeat((int) HttpApi.NO_BODY_LIMIT + 1);
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("POST /api/v1/queues/example.com/suspend HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).readUntilClosed(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(413);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("request body:");
        }
        assertServingAndLogClean();
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void injectionsCutShort_giveBackTheirAdmission() throws Exception {
        for (int i = 0; i < InjectionAdmission.MAX_IN_PROGRESS + 2; i++) {
            try (RawHttp c = RawHttp.connect(api.port())) {
                c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + (INJECT.length() + 100) + "\r\n\r\n" + INJECT);
                c.closeOutput();
                c.readUntilClosed(WAIT);
            }
        }

        assertThat(api.send("POST", "/api/v1/messages", INJECT).statusCode()).isEqualTo(202);
        assertThat(log.problems()).isEmpty();
    }

    @Test
    void garbageInsteadOfARequestLine_is400Json_andTheConnectionCloses() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("\u0001\u0002 not http at all\r\n\r\n").readUntilClosed(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
            assertThat(r).containsIgnoringCase("content-type: application/json");
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("request:");
        }
        assertServingAndLogClean();
    }

    @Test
    void headerLineWithoutAColon_is400Json() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("GET /health/live HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n").readUntilClosed(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(400);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("request:");
        }
        assertServingAndLogClean();
    }

    @Test
    void requestLineTooLong_is414Json() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(414);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("request:");
        }
        assertServingAndLogClean();
    }

    @Test
    void headersTooLarge_are431Json() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            String r = c.send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n")
                    .readUntilClosed(WAIT);

            assertThat(RawHttp.status(r)).as(r).isEqualTo(431);
            assertThat(new JsonObject(RawHttp.body(r)).getString("error")).startsWith("request:");
        }
        assertServingAndLogClean();
    }

    @Test
    void http2PrefaceFollowedByGarbage_isClosedWithoutAnErrorInTheLog() throws Exception {
        try (RawHttp c = RawHttp.connect(api.port())) {
            // the prior-knowledge preface, then a frame that is not SETTINGS
            c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u0009\u0000\u0000\u0000\u0000\u0000junkjunk");
            c.readUntilClosed(WAIT);
        }
        assertServingAndLogClean();
    }
}
