package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health probes, {@code /metrics}, and the JSON answers for unknown paths and wrong methods. */
class HttpApiRoutingTest {

    @TempDir
    Path dir;

    @Test
    void live_isUpWhateverReadinessSays() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            api.ready.set(false);

            HttpResponse<String> r = api.get("/health/live");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ApiHarness.json(r).getString("status")).isEqualTo("UP");
        }
    }

    @Test
    void ready_followsTheReadinessSupplier() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            assertThat(api.get("/health/ready").statusCode()).isEqualTo(200);

            api.ready.set(false);
            HttpResponse<String> r = api.get("/health/ready");

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(ApiHarness.json(r).getString("status")).isEqualTo("DOWN");
        }
    }

    @Test
    void metrics_isServedByTheGivenHandler() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            HttpResponse<String> r = api.get("/metrics");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hermod_test_metric 1\n");
        }
    }

    @Test
    void metrics_isAbsentWhenMetricsAreOff() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir, "", false)) {
            assertThat(api.get("/metrics").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withoutToken_apiIsOpen() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            assertThat(api.get("/api/v1/queues").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownApiPath_answers404Json() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            HttpResponse<String> r = api.get("/api/v1/nothing-here");

            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(ApiHarness.json(r).getString("error")).contains("/api/v1/nothing-here");
        }
    }

    @Test
    void wrongMethod_answers405Json() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir)) {
            HttpResponse<String> put = api.send("PUT", "/api/v1/queues", "{}");
            HttpResponse<String> get = api.get("/api/v1/messages");

            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(ApiHarness.json(put).getString("error")).contains("PUT", "/api/v1/queues");
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(api.admin.calls).isEmpty();
        }
    }
}
