package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injections within the budget for mail in progress: a full budget is 503 with Retry-After, and nothing is kept. */
class MessageInjectionMemoryTest {

    @TempDir
    Path dir;

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir, "", false);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private static String message(String text) {
        return new JsonObject().put("sender", "a@example.com").put("recipients", new JsonArray().add("x@example.net"))
                .put("message", text).encode();
    }

    @Test
    void fullBudget_is503WithRetryAfter_andNothingIsRead_untilMemoryIsFreed() throws Exception {
        long capacity = api.memory.capacity();
        assertThat(api.memory.tryReserve(capacity)).isTrue();

        HttpResponse<String> refused = api.send("POST", "/api/v1/messages", message("Subject: hi\r\n\r\nx\r\n"));

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue(InjectionAdmission.RETRY_AFTER);
        assertThat(ApiHarness.json(refused).getString("error")).contains("smtp.max_buffered_bytes");
        assertThat(api.queue.enqueued).isEmpty();
        assertThat(api.memory.refusals()).isEqualTo(1);

        api.memory.release(capacity);
        HttpResponse<String> accepted = api.send("POST", "/api/v1/messages", message("Subject: hi\r\n\r\nx\r\n"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Await.until(() -> api.memory.used() == 0, 10, () -> api.memory.used() + " bytes still held");
    }

    @Test
    void largeInjection_chargesItsBody_andGivesEverythingBackOnceStored() throws Exception {
        String large = "Subject: large\r\n\r\n" + "a line of a large injected message, sixty octets or so\r\n".repeat(15_000);

        HttpResponse<String> accepted = api.send("POST", "/api/v1/messages", message(large));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Await.until(() -> api.memory.used() == 0, 10, () -> api.memory.used() + " bytes still held");
        assertThat(api.memory.refusals()).isZero();
    }

    @Test
    void refusedInjection_givesEverythingBack() throws Exception {
        HttpResponse<String> refused = api.send("POST", "/api/v1/messages",
                message("Subject: nul\r\n\r\n" + "x".repeat(300_000) + "\u0000\r\n"));

        assertThat(refused.statusCode()).as(refused.body()).isBetween(400, 499);
        Await.until(() -> api.memory.used() == 0, 10, () -> api.memory.used() + " bytes still held");
    }
}
