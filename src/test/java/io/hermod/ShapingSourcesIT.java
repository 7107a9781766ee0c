package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.ApiClient;
import io.hermod.support.Await;
import io.hermod.support.CapturedLog;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egress sources and pools: two sources bound to 127.0.0.2 and 127.0.0.3 with weights 3:1 carry
 * 75 % and 25 % (± 5 %) of 1000 messages, each giving its own EHLO name; a message naming another
 * pool with {@code X-Hermod-Pool} goes out through that pool's source, without the header; and a
 * source whose address cannot be bound is left out with one clear log line while the other source
 * of its pool carries the mail.
 */
class ShapingSourcesIT {

    @TempDir
    Path dir;

    @Test
    void weightedSources_carryTheirShare_withTheirOwnEhlo_andAnUnbindableSourceIsPassedOver() throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, """
                sources:
                  ip-a: {address: 127.0.0.2, ehlo: a.hermod.test}
                  ip-b: {address: 127.0.0.3, ehlo: b.hermod.test}
                  broken: {address: 192.0.2.77, ehlo: broken.hermod.test}
                pools:
                  default: {ip-a: 3, ip-b: 1}
                  fragile: {broken: 5, ip-b: 1}
                  only-b: {ip-b: 1}
                pool_by_sender_domain:
                  fragile.example: fragile
                """);
        try (TestSink sink = TestSink.start(true); CapturedLog log = CapturedLog.start()) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "shaping:\n  path: \"" + shaping + "\"\n");
            try {
                byte[] data = "Subject: sources\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                    client.greeting();
                    client.command("EHLO client.test");
                    for (int i = 0; i < 1000; i++) {
                        SmtpTestClient.expect(client.sendMail("sender@example.com",
                                new ArrayList<>(List.of("w" + i + "@weights.test")), data), 250);
                    }
                    SmtpTestClient.expect(client.sendMail("sender@example.com", new ArrayList<>(List.of(
                            "pooled@weights.test")), "X-Hermod-Pool: only-b\r\nSubject: pooled\r\n\r\nbody\r\n.\r\n"
                            .getBytes(StandardCharsets.US_ASCII)), 250);
                    for (int i = 0; i < 20; i++) {
                        SmtpTestClient.expect(client.sendMail("news@fragile.example",
                                new ArrayList<>(List.of("f" + i + "@fragile.test")), data), 250);
                    }
                }
                ApiClient api = new ApiClient(hermod.httpPort());
                assertThat(api.post("/api/v1/messages", new JsonObject().put("sender", "s@example.com")
                        .put("recipients", new JsonArray().add("api-field@weights.test")).put("pool", "only-b")
                        .put("message", "Subject: api\r\n\r\nbody\r\n").encode()).status()).isEqualTo(202);
                assertThat(api.post("/api/v1/messages", new JsonObject().put("sender", "s@example.com")
                        .put("recipients", new JsonArray().add("api-header@weights.test"))
                        .put("message", "X-Hermod-Pool: only-b\r\nSubject: api\r\n\r\nbody\r\n").encode())
                        .status()).isEqualTo(202);
                ApiClient.Answer unknown = api.post("/api/v1/messages", new JsonObject().put("sender", "s@example.com")
                        .put("recipients", new JsonArray().add("never@weights.test")).put("pool", "nosuch")
                        .put("message", "Subject: api\r\n\r\nbody\r\n").encode());
                assertThat(unknown.status()).isEqualTo(422);
                assertThat(unknown.json().getString("error")).contains("pool: no pool \"nosuch\"");
                Await.until(() -> sink.received().size() == 1023, 120, () -> sink.received().size() + " received");
                for (String viaApi : List.of("api-field@weights.test", "api-header@weights.test")) {
                    TestSink.Received r = sink.received().stream().filter(m -> m.recipients().get(0).equals(viaApi))
                            .findFirst().orElseThrow();
                    assertThat(r.clientAddress()).as(viaApi).isEqualTo("127.0.0.3");
                    assertThat(r.text()).as(viaApi).doesNotContainIgnoringCase("X-Hermod-Pool");
                }

                List<TestSink.Received> weighted = sink.received().stream()
                        .filter(r -> r.recipients().get(0).startsWith("w")).toList();
                Map<String, Long> byAddress = weighted.stream()
                        .collect(Collectors.groupingBy(TestSink.Received::clientAddress, Collectors.counting()));
                assertThat(byAddress.keySet()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
                assertThat(byAddress.get("127.0.0.2")).isBetween(700L, 800L);
                assertThat(byAddress.get("127.0.0.3")).isBetween(200L, 300L);
                assertThat(weighted).allSatisfy(r -> assertThat(r.ehlo())
                        .isEqualTo(r.clientAddress().equals("127.0.0.2") ? "a.hermod.test" : "b.hermod.test"));

                TestSink.Received pooled = sink.received().stream()
                        .filter(r -> r.recipients().get(0).equals("pooled@weights.test")).findFirst().orElseThrow();
                assertThat(pooled.clientAddress()).isEqualTo("127.0.0.3");
                assertThat(pooled.text()).doesNotContainIgnoringCase("X-Hermod-Pool").contains("Subject: pooled");

                List<TestSink.Received> fragile = sink.received().stream()
                        .filter(r -> r.recipients().get(0).startsWith("f")).toList();
                assertThat(fragile).hasSize(20).allSatisfy(r -> assertThat(r.clientAddress()).isEqualTo("127.0.0.3"));
                List<String> bindLines = log.messages("io.hermod").stream()
                        .filter(m -> m.contains("source broken cannot bind its address")).toList();
                assertThat(bindLines).hasSize(1);

                // A reload that renames a source's EHLO applies to its next connections.
                Files.writeString(shaping, Files.readString(shaping).replace("ehlo: b.hermod.test", "ehlo: b2.hermod.test"));
                hermod.reload();
                int[] sent = {0};
                long[] last = {0};
                Await.until(() -> {
                    if (System.nanoTime() - last[0] < 500_000_000L) {
                        return sink.received().stream().anyMatch(r -> "b2.hermod.test".equals(r.ehlo()));
                    }
                    last[0] = System.nanoTime(); // one message every half second until the new name is seen
                    try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                        client.greeting();
                        client.command("EHLO client.test");
                        SmtpTestClient.expect(client.sendMail("sender@example.com", new ArrayList<>(List.of(
                                "renamed" + sent[0]++ + "@weights.test")), ("X-Hermod-Pool: only-b\r\nSubject: r\r\n\r\n"
                                + "body\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)), 250);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    return sink.received().stream().anyMatch(r -> "b2.hermod.test".equals(r.ehlo()));
                }, 30, () -> "no message with the new EHLO name");
            } finally {
                hermod.close();
            }
        }
    }
}
