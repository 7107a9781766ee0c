package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an end-to-end run, {@code /metrics} carries every Hermod meter with counts equal to what
 * was sent, and the event log has one Reception and one outcome line per recipient, each valid JSON.
 */
class ObservabilityIT {

    @TempDir
    Path dir;

    @Test
    void endToEndRun_isCountedInMetrics_andLoggedPerRecipient() throws Exception {
        Path eventLog = dir.resolve("events.log");
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "log:\n  events: \"" + eventLog + "\"\n");
            try {
                List<String> recipients = List.of("a@one.test", "b@one.test", "c@two.test");
                for (int i = 0; i < 5; i++) {
                    send(hermod.smtpPort(), recipients);
                }
                send(hermod.smtpPort(), List.of("reject-r@two.test"));
                Await.until(() -> sink.deliveredRecipients().size() >= 16 && hermod.queue().messages() == 0, 30,
                        () -> sink.deliveredRecipients().size() + " delivered, " + hermod.queue().messages() + " open");

                String metrics = get(hermod.httpPort(), "/metrics");
                // 6 messages accepted over SMTP; 15 recipients plus the one bounce report delivered
                assertThat(value(metrics, "hermod_intake_messages_total", "result=\"accepted\"")).isEqualTo(6.0);
                assertThat(value(metrics, "hermod_delivery_attempts_total", "result=\"delivered\"")).isEqualTo(16.0);
                assertThat(value(metrics, "hermod_delivery_attempts_total", "result=\"failed\"")).isEqualTo(1.0);
                // The sink's "550 5.1.1 no such user"; every other category exists at zero.
                assertThat(value(metrics, "hermod_delivery_failures_total",
                        "category=\"invalid-recipient\",kind=\"bounce\"")).isEqualTo(1.0);
                assertThat(value(metrics, "hermod_delivery_failures_total",
                        "category=\"spam-related\",kind=\"deferral\"")).isEqualTo(0.0);
                assertThat(value(metrics, "hermod_intake_replies_total", "code=\"250\"")).isGreaterThanOrEqualTo(6.0);
                assertThat(value(metrics, "hermod_delivery_replies_total", "stage=\"rcpt\"")).isGreaterThanOrEqualTo(16.0);
                assertThat(value(metrics, "hermod_spool_commit_seconds_count", "")).isGreaterThan(0.0);
                // one wait for the 250 per accepted message
                assertThat(value(metrics, "hermod_intake_acceptance_seconds_count", "")).isEqualTo(6.0);
                assertThat(value(metrics, "hermod_delivery_latency_seconds_count", "")).isEqualTo(17.0);
                assertThat(value(metrics, "hermod_delivery_transaction_seconds_count", "")).isGreaterThan(0.0);
                assertThat(metrics).contains("hermod_queue_messages", "hermod_queue_deliveries{",
                        "hermod_outbound_connections", "hermod_inbound_connections", "vertx_net_server_");

                hermod.events().flush();
                List<JsonObject> lines = new ArrayList<>();
                for (String line : Files.readAllLines(eventLog, StandardCharsets.UTF_8)) {
                    lines.add(new JsonObject(line));
                }
                assertThat(count(lines, "Reception", "a@one.test")).isEqualTo(5);
                assertThat(count(lines, "Delivery", "a@one.test")).isEqualTo(5);
                assertThat(count(lines, "Delivery", "c@two.test")).isEqualTo(5);
                assertThat(count(lines, "Bounce", "reject-r@two.test")).isEqualTo(1);
                JsonObject bounce = lines.stream().filter(l -> "Bounce".equals(l.getString("type"))).findFirst().orElseThrow();
                assertThat(bounce.getString("category")).isEqualTo("invalid-recipient");
                JsonObject delivery = lines.stream().filter(l -> "Delivery".equals(l.getString("type"))).findFirst().orElseThrow();
                assertThat(delivery.getInteger("code")).isEqualTo(250);
                assertThat(delivery.getString("host")).isEqualTo("127.0.0.1");
                assertThat(delivery.getInteger("attempt")).isEqualTo(1);
            } finally {
                hermod.close();
            }
        }
    }

    private static long count(List<JsonObject> lines, String type, String recipient) {
        return lines.stream().filter(l -> type.equals(l.getString("type")) && recipient.equals(l.getString("recipient")))
                .count();
    }

    /** Sum of the samples of {@code name} whose labels contain {@code labels}. */
    static double value(String metrics, String name, String labels) {
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$");
        Matcher m = p.matcher(metrics);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            if (labels.isEmpty() || (m.group(1) != null && m.group(1).contains(labels))) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertThat(found).as(name + "{" + labels + "} in /metrics").isTrue();
        return sum;
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void send(int port, List<String> recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
            client.greeting();
            client.command("EHLO client.test");
            SmtpTestClient.expect(client.sendMail("sender@origin.test", recipients,
                    "Subject: observe\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250);
        }
    }
}
