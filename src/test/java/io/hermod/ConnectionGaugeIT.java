package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.ApiClient;
import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several SMTP clients at once, as a user runs {@code java -jar target/hermod.jar}: the dashboard's
 * connection gauge counts every one of them, and the log stays free of Micrometer's warning that
 * Vert.x registered that gauge again (it does so per connection, sharing one counter).
 */
class ConnectionGaugeIT {

    @TempDir
    Path dir;

    @Test
    void concurrentClients_areAllCounted_andNothingIsWarnedAboutTheGauge() throws Exception {
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, TestHermod.baseYaml(dir, "gauge.hermod.test") + TestHermod.HOLD_ALL);
        try (HermodProcess hermod = HermodProcess.start(config, Map.of()).awaitListening()) {
            ApiClient api = new ApiClient(hermod.httpPort());
            List<SmtpTestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort());
                    clients.add(client);
                    assertThat(client.greeting().code()).isEqualTo(220);
                    assertThat(client.command("EHLO client" + i + ".test").code()).isEqualTo(250);
                }
                String metrics = metrics(api);
                assertThat(metrics).contains("\nvertx_net_server_active_connections 4.0\n");
                assertThat(metrics).contains("\nhermod_inbound_connections 4.0\n");
            } finally {
                for (SmtpTestClient client : clients) {
                    client.close();
                }
            }
            Await.until(() -> metrics(api).contains("\nvertx_net_server_active_connections 0.0\n"), 30,
                    () -> "after the clients left: " + connectionLines(metrics(api)));
            assertThat(hermod.output()).doesNotContain("already registered");
            assertThat(hermod.stderr()).noneMatch(line -> line.contains(" WARNING io.micrometer")
                    || line.contains(" WARNING io.vertx") || line.contains(" SEVERE "));
        }
    }

    private static String connectionLines(String metrics) {
        return metrics.lines().filter(l -> l.contains("active_connections")).toList().toString();
    }

    private static String metrics(ApiClient api) {
        try {
            ApiClient.Answer answer = api.get("/metrics");
            assertThat(answer.status()).isEqualTo(200);
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
