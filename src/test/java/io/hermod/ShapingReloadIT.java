package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.ApiClient;
import io.hermod.support.Await;
import io.hermod.support.CapturedLog;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaping file changes while Hermod runs: the new limit is in force without a restart, for
 * the effective configuration the API shows and for a site that already has a lane; a broken edit
 * is refused with a log line naming the key, and the limits in force stay; SIGHUP's reload takes a
 * fixed file at once.
 */
class ShapingReloadIT {

    @TempDir
    Path dir;

    @Test
    void aChangedFileApplies_aBrokenOneIsRefused_andTheOldLimitsStay() throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, "domains:\n  reload.test: {max_message_rate: 5/s, idle_timeout: 1h}\n");
        try (TestSink sink = TestSink.start(true); CapturedLog log = CapturedLog.start()) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "shaping:\n  path: \"" + shaping + "\"\n");
            ApiClient api = new ApiClient(hermod.httpPort());
            try {
                assertThat(rate(api)).isEqualTo("5/s");
                RetryIT.send(hermod.smtpPort(), List.of("a@reload.test"));
                Await.until(() -> sink.deliveredRecipients().size() == 1, 30, () -> "not delivered");
                assertThat(laneRate(api)).isEqualTo("5/s");

                write(shaping, "domains:\n  reload.test: {max_message_rate: 7/min, connection_limit: 2, idle_timeout: 1h}\n", 1);
                Await.until(() -> "7/min".equals(rate(api)), 30, () -> "still " + rate(api));
                JsonObject effective = api.get("/api/v1/shaping?domain=reload.test").json().getJsonObject("shaping");
                assertThat(effective.getJsonObject("max_message_rate").getString("from"))
                        .isEqualTo(shaping + " domain reload.test");
                assertThat(effective.getJsonObject("connection_limit").getString("value")).isEqualTo("2");
                Await.until(() -> "7/min".equals(laneRate(api)), 30, () -> "lane still " + laneRate(api));

                write(shaping, "domains:\n  reload.test: {max_message_rate: 7/min, connection_limit: -1}\n", 2);
                Await.until(() -> log.messages("io.hermod").stream().anyMatch(m -> m.contains(
                        "shaping.path: the changed file is refused")), 30, () -> log.messages("io.hermod").toString());
                assertThat(log.messages("io.hermod")).anyMatch(m -> m.contains(
                        "domains.reload.test.connection_limit: must be between 1 and 100000, got -1"));
                assertThat(rate(api)).isEqualTo("7/min");
                assertThat(api.get("/api/v1/shaping?domain=reload.test").json().getJsonObject("shaping")
                        .getJsonObject("connection_limit").getString("value")).isEqualTo("2");

                write(shaping, "domains:\n  reload.test: {max_message_rate: 9/h}\n", 3);
                hermod.reload();
                Await.until(() -> "9/h".equals(rate(api)), 10, () -> "after SIGHUP still " + rate(api));

                assertThat(api.get("/api/v1/shaping").status()).isEqualTo(400);
                assertThat(api.get("/api/v1/shaping?domain=bad..name").status()).isEqualTo(400);
                assertThat(api.get("/api/v1/shaping?domain=reload.test&source=no%20such").status()).isEqualTo(400);
            } finally {
                hermod.close();
            }
        }
    }

    /** Writes and moves the modification time on, so that a change within the same second is seen. */
    private static void write(Path file, String text, int generation) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + generation * 10_000L));
    }

    private static String rate(ApiClient api) {
        try {
            return api.get("/api/v1/shaping?domain=reload.test").json().getJsonObject("shaping")
                    .getJsonObject("max_message_rate").getString("value");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The message rate in force at reload.test's existing lane, from GET /api/v1/sites. */
    private static String laneRate(ApiClient api) {
        try {
            var sites = api.get("/api/v1/sites").json().getJsonArray("sites");
            for (int i = 0; i < sites.size(); i++) {
                JsonObject site = sites.getJsonObject(i);
                if ("reload.test".equals(site.getString("domain"))) {
                    return site.getJsonArray("sources").getJsonObject(0).getJsonObject("shaping")
                            .getJsonObject("max_message_rate").getString("value");
                }
            }
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
