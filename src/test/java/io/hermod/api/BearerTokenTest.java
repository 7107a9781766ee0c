package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With {@code http.token} set, {@code /api} needs the bearer token; probes and metrics do not. */
class BearerTokenTest {

    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir, "http:\n  token: " + TOKEN + "\n", true);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(ApiHarness.json(r).getString("error")).contains("Bearer");
    }

    @Test
    void noAuthorizationHeader_answers401WithBearerChallenge() throws Exception {
        assertUnauthorized(api.get("/api/v1/queues"));
        assertThat(api.admin.calls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong-token", "Bearer " + TOKEN + "x", "Bearer s3cret-toke", "Basic czNjcmV0LXRva2Vu",
        "Bearer  " + TOKEN, TOKEN, "Bearer"})
    void wrongAuthorization_answers401(String header) throws Exception {
        assertUnauthorized(api.get("/api/v1/queues", "Authorization", header));
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void rightToken_isLetThrough() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/queues", "Authorization", "Bearer " + TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(api.admin.calls).containsExactly("snapshot");
    }

    @Test
    void schemeNameInAnotherCase_isAccepted() throws Exception {
        assertThat(api.get("/api/v1/queues", "Authorization", "bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void injectionWithoutToken_answers401_andStoresNothing() throws Exception {
        HttpResponse<String> r = api.post("/api/v1/messages", new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net")).put("message", "Subject: x\r\n\r\nx\r\n"));

        assertUnauthorized(r);
        assertThat(api.queue.enqueued).isEmpty();
    }

    @Test
    void bodyOverTheLimitWithoutToken_answers401Not413() throws Exception {
        String huge = "{\"message\":\"" + "e".repeat((int) MessageInjection.bodyLimit(ApiHarness.MAX_MESSAGE_SIZE)) + "\"}";

        assertUnauthorized(api.send("POST", "/api/v1/messages", huge));
    }

    @Test
    void unknownApiPathWithoutToken_answers401() throws Exception {
        assertUnauthorized(api.get("/api/v2/anything"));
    }

    @Test
    void healthAndMetrics_areOpenWithoutToken() throws Exception {
        assertThat(api.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(api.get("/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = api.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("hermod_test_metric 1");
    }
}
