package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.TestHermod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap does not grow with the queue: a Hermod with a 64 MiB heap (and ExitOnOutOfMemoryError)
 * whose next hop is down queues 200,000 messages over 2000 domains, stays up with exact counts,
 * and after a SIGKILL recovers all of them in the same heap. Before the schedule moved to the
 * spool, the shards held every deferred delivery: about 140 MB for these.
 */
class QueueHeapCapIT {

    private static final int MESSAGES = 200_000;
    private static final int PER_REQUEST = 5_000;
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoHundredThousandQueued_inA64MiBHeap_andRecoveredInIt() throws Exception {
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, TestHermod.baseYaml(dir, "heapcap.hermod.test", false) + TestHermod.HOLD_ALL);
        try (HermodProcess hermod = HermodProcess.start(config, Map.of(), SMALL_HEAP).awaitListening()) {
            for (int sent = 0; sent < MESSAGES; sent += PER_REQUEST) {
                JsonArray recipients = new JsonArray();
                for (int i = sent; i < sent + PER_REQUEST; i++) {
                    recipients.add(new JsonObject().put("email", "r" + i + "@d" + (i % 2000) + ".test"));
                }
                JsonObject body = new JsonObject().put("envelope_sender", "bulk@example.com")
                        .put("recipients", recipients)
                        .put("content", "From: bulk@example.com\nSubject: queued\n\n" + "x".repeat(900) + "\n");
                HttpResponse<String> r = post(hermod, body);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(new JsonObject(r.body()).getInteger("success_count")).isEqualTo(PER_REQUEST);
                assertThat(hermod.isAlive()).as(hermod.output()).isTrue();
            }
            awaitQueued(hermod);
            assertThat(hermod.isAlive()).isTrue();
            hermod.kill();
        }
        try (HermodProcess again = HermodProcess.start(config, Map.of(), SMALL_HEAP).awaitListening()) {
            awaitQueued(again);
            assertThat(again.isAlive()).as(again.output()).isTrue();
            again.kill();
        }
    }

    private void awaitQueued(HermodProcess hermod) throws Exception {
        Await.until(() -> {
            JsonObject q = get(hermod);
            JsonObject t = q.getJsonObject("totals");
            return q.getBoolean("recovered") && t.getInteger("messages") == MESSAGES
                    && t.getInteger("ready") + t.getInteger("scheduled") + t.getInteger("in_flight") == MESSAGES;
        }, 120, () -> hermod.isAlive() ? get(hermod).getJsonObject("totals").encode() : "exited: " + hermod.output());
        assertThat(get(hermod).getJsonArray("domains")).hasSize(2000);
    }

    private HttpResponse<String> post(HermodProcess hermod, JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + "/api/v1/inject"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(HermodProcess hermod) {
        try {
            return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort()
                    + "/api/v1/queues")).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
