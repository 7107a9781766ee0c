package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Recipient;
import io.hermod.spool.Suppression;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/messages} with {@code suppression.enabled}: suppressed recipients are dropped and named. */
class MessageInjectionSuppressionTest {

    @TempDir
    Path dir;

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir, "suppression:\n  enabled: true\n", false);
        api.spool.suppressions().add(new Suppression("example.com", "gone@example.net", "invalid-recipient",
                System.currentTimeMillis(), 0)).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private HttpResponse<String> inject(String sender, String... recipients) throws Exception {
        return api.post("/api/v1/messages", new JsonObject().put("sender", sender)
                .put("recipients", new JsonArray(List.of(recipients))).put("message", "Subject: hi\r\n\r\nbody\r\n"));
    }

    @Test
    void suppressedRecipient_isDropped_andListedInThe202() throws Exception {
        HttpResponse<String> r = inject("a@example.com", "Gone@example.net", "ok@example.net");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(r.body()).getJsonArray("suppressed")).containsExactly("Gone@example.net");
        assertThat(api.queue.enqueued).singleElement().satisfies(q ->
                assertThat(q.envelope().recipients()).extracting(Recipient::address).containsExactly("ok@example.net"));
        assertThat(api.events.ofType(EventType.Suppressed)).singleElement().satisfies(e -> {
            assertThat(e.recipient()).isEqualTo("Gone@example.net");
            assertThat(e.detail()).isEqualTo("invalid-recipient");
        });
    }

    @Test
    void everyRecipientSuppressed_is422NamingThem_andNothingIsStored() throws Exception {
        HttpResponse<String> r = inject("a@example.com", "gone@example.net");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(r.body()).getString("error"))
                .isEqualTo("recipients: every recipient is suppressed: gone@example.net");
        assertThat(api.queue.enqueued).isEmpty();
        assertThat(api.spool.envelopes()).isEmpty();
    }

    @Test
    void anotherSendersDomain_isNotSuppressed_andThe202HasNoList() throws Exception {
        HttpResponse<String> r = inject("a@example.org", "gone@example.net");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(r.body()).containsKey("suppressed")).isFalse();
        assertThat(api.events.events).extracting(Event::type).doesNotContain(EventType.Suppressed);
    }
}
