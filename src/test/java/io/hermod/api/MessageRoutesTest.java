package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.EventType;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET} and {@code DELETE /api/v1/messages/{id}}. */
class MessageRoutesTest {

    @TempDir
    Path dir;

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private Envelope spoolMessage(long arrival) throws Exception {
        MessageId id = api.spool.newId();
        byte[] body = "Subject: x\r\n\r\nx\r\n".getBytes();
        Envelope envelope = new Envelope(id, "a@example.com",
                List.of(Recipient.pending("x@example.net"), Recipient.pending("y@example.org")),
                arrival, body.length, 1, false, false, "client.example", "192.0.2.7");
        api.spool.commit(envelope, body).get(10, TimeUnit.SECONDS);
        return envelope;
    }

    @Test
    void getSpooledMessage_answersItsEnvelopeAndRecipientStates() throws Exception {
        Envelope e = spoolMessage(1_700_000_000_123L);
        api.spool.record(e.id(), 1, new Recipient("y@example.org", RecipientState.PENDING, 2, 1_700_000_600_000L,
                "451 4.7.1 try later").withCategory("transient-failure")).get(10, TimeUnit.SECONDS);

        HttpResponse<String> r = api.get("/api/v1/messages/" + e.id());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject json = ApiHarness.json(r);
        assertThat(json.getString("id")).isEqualTo(e.id().toString());
        assertThat(json.getString("sender")).isEqualTo("a@example.com");
        assertThat(json.getString("arrival")).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(Instant.parse(json.getString("arrival")).toEpochMilli()).isEqualTo(1_700_000_000_123L);
        assertThat(json.getLong("size")).isEqualTo(e.bodySize());
        assertThat(json.getJsonArray("recipients")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("address", "x@example.net").put("state", "pending").put("attempts", 0)
                        .putNull("next_attempt").putNull("last_result").putNull("category"))
                .add(new JsonObject().put("address", "y@example.org").put("state", "pending").put("attempts", 2)
                        .put("next_attempt", "2023-11-14T22:23:20Z").put("last_result", "451 4.7.1 try later")
                        .put("category", "transient-failure")));
    }

    @Test
    void getInjectedMessage_findsItByTheIdThe202Gave() throws Exception {
        HttpResponse<String> injected = api.post("/api/v1/messages", new JsonObject().put("sender", "")
                .put("recipients", new JsonArray().add("x@example.net")).put("message", "Subject: x\n\nx"));
        String id = ApiHarness.json(injected).getString("id");

        HttpResponse<String> r = api.get("/api/v1/messages/" + id.toLowerCase());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r).getString("id")).isEqualTo(id);
        assertThat(ApiHarness.json(r).getString("sender")).isEmpty();
        assertThat(ApiHarness.json(r).getString("client_name")).isEqualTo("api");
    }

    @Test
    void getUnknownId_answers404() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/messages/0000000000000001");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(ApiHarness.json(r).getString("error")).contains("0000000000000001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "00000000000000001", "+00000000000001F", "000000000000000G", "%EF%BC%91000000000000000"})
    void getMalformedId_answers400(String id) throws Exception {
        HttpResponse<String> r = api.get("/api/v1/messages/" + id);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiHarness.json(r).getString("error")).startsWith("id:");
    }

    @Test
    void getWithClosedSpool_answers503() throws Exception {
        api.spool.close();

        assertThat(api.get("/api/v1/messages/0000000000000001").statusCode()).isEqualTo(503);
    }

    @Test
    void deleteQueuedMessage_answers200_andLogsAnAdminAction() throws Exception {
        MessageId id = new MessageId(0x18E5_0000_0001L);
        api.admin.deletable = Set.of(id);

        HttpResponse<String> r = api.send("DELETE", "/api/v1/messages/" + id, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(new JsonObject().put("id", id.toString()).put("deleted", true));
        assertThat(api.admin.calls).containsExactly("delete " + id);
        assertThat(api.events.events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.AdminAction);
            assertThat(e.messageId()).isEqualTo(id.toString());
            assertThat(e.detail()).isEqualTo("delete " + id);
        });
    }

    @Test
    void deleteUnknownMessage_answers404_andLogsNothing() throws Exception {
        HttpResponse<String> r = api.send("DELETE", "/api/v1/messages/0000000000000002", null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(api.admin.calls).containsExactly("delete 0000000000000002");
        assertThat(api.events.events).isEmpty();
    }

    @Test
    void deleteMalformedId_answers400_withoutAskingTheQueue() throws Exception {
        HttpResponse<String> r = api.send("DELETE", "/api/v1/messages/not-an-id", null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(api.admin.calls).isEmpty();
    }
}
