package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.ApiClient;
import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reply-driven automation with the built-in Yahoo rule: a site answering {@code 421 4.7.0 [TSS04]}
 * (the operator's file makes yahoo.test a Yahoo domain) suspends that site from that source for
 * the rule's hour. Mail for the same site through another source, and for another site through
 * the same source, still goes; the API shows the suspension and why; the event log has an
 * AutomationApplied line; and after an operator's resume the held mail is delivered.
 */
class ShapingAutomationIT {

    @TempDir
    Path dir;

    @Test
    void tss04_suspendsThatSiteAndSource_only_untilResumed() throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, """
                providers:
                  yahoo:
                    match: [{domain_suffix: yahoo.test}]
                sources:
                  ip-a: {address: 127.0.0.2}
                  ip-b: {address: 127.0.0.3}
                pools:
                  default: {ip-a: 1}
                  other: {ip-b: 1}
                """);
        try (TestSink yahoo = TestSink.start(true); TestSink other = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, yahoo.port(), """
                    delivery:
                      routes: {"yahoo.test": "SINK", "other.test": "127.0.0.1:%d", "fresh.test": "127.0.0.1:1"}
                    queue:
                      retry: {initial: 1h}
                    shaping:
                      path: "%s"
                    """.formatted(other.port(), shaping));
            ApiClient api = new ApiClient(hermod.httpPort());
            try {
                String deferred = send(hermod, "tss04-1@yahoo.test", null);
                List<JsonObject> applied = EventLogFile.await(hermod, dir.resolve("events.log"), 1,
                        e -> "AutomationApplied".equals(e.getString("type")));
                assertThat(applied.get(0).getString("detail")).contains("rule yahoo-tss04: suspend", "source ip-a");
                assertThat(applied.get(0).getString("text")).startsWith("421 4.7.0 [TSS04]");

                send(hermod, "held@yahoo.test", null);
                send(hermod, "through-b@yahoo.test", "other");
                send(hermod, "elsewhere@other.test", null);
                Await.until(() -> yahoo.deliveredRecipients().contains("through-b@yahoo.test")
                        && other.deliveredRecipients().contains("elsewhere@other.test"), 30,
                        () -> yahoo.deliveredRecipients() + " " + other.deliveredRecipients());
                assertThat(yahoo.received()).filteredOn(r -> r.recipients().contains("through-b@yahoo.test"))
                        .allSatisfy(r -> assertThat(r.clientAddress()).isEqualTo("127.0.0.3"));
                assertThat(other.received()).allSatisfy(r -> assertThat(r.clientAddress()).isEqualTo("127.0.0.2"));
                assertThat(yahoo.deliveredRecipients()).doesNotContain("held@yahoo.test");

                JsonObject site = yahooSite(api);
                assertThat(site.getString("provider")).isEqualTo("yahoo");
                assertThat(site.getJsonArray("domains").getList()).containsExactly("yahoo.test");
                JsonObject laneA = lane(site, "ip-a");
                assertThat(laneA.getString("suspended_until")).isNotNull();
                assertThat(laneA.getString("suspended_why")).contains("yahoo-tss04", "TSS04");
                assertThat(lane(site, "ip-b").getString("suspended_until")).isNull();
                // The gauge is published once a second; the counter at once.
                Await.until(() -> metrics(api).contains("hermod_shaping_suspended 1.0"), 10, () -> metrics(api));
                assertThat(metrics(api)).contains(
                        "hermod_shaping_automation_total{action=\"suspend\",provider=\"yahoo\",source=\"ip-a\"} 1.0");

                // The message that drew the 421 would draw it again: the operator deletes it, then resumes.
                assertThat(api.send("DELETE", "/api/v1/messages/" + deferred, null).status()).isEqualTo(200);
                ApiClient.Answer resumed = api.post("/api/v1/sites/"
                        + URLEncoder.encode(site.getString("site"), StandardCharsets.UTF_8) + "/resume", null);
                assertThat(resumed.status()).isEqualTo(200);
                Await.until(() -> yahoo.deliveredRecipients().contains("held@yahoo.test"), 30,
                        () -> yahoo.deliveredRecipients().toString());
                assertThat(api.post("/api/v1/sites/no_such_site/resume", null).status()).isEqualTo(404);
                assertThat(api.post("/api/v1/sites/yahoo.test/suspend?duration=forever", null).status()).isEqualTo(400);
                assertThat(api.post("/api/v1/sites/yahoo.test/suspend?source=nosuch", null).status()).isEqualTo(422);

                // A site with no mail yet, named by a domain: suspended before any mail for it arrives.
                ApiClient.Answer fresh = api.post("/api/v1/sites/fresh.test/suspend?duration=10m&source=ip-a", null);
                assertThat(fresh.status()).isEqualTo(200);
                assertThat(fresh.json().getString("site")).isEqualTo("route:127.0.0.1:1");
                JsonObject freshLane = lane(siteKeyed(api, "route:127.0.0.1:1"), "ip-a");
                assertThat(freshLane.getString("suspended_why")).isEqualTo("suspended by an operator through the API");
                assertThat(api.post("/api/v1/sites/fresh.test/resume", null).status()).isEqualTo(200);
                assertThat(lane(siteKeyed(api, "route:127.0.0.1:1"), "ip-a").getString("suspended_until")).isNull();
            } finally {
                hermod.close();
            }
        }
    }

    private static String metrics(ApiClient api) {
        try {
            return api.get("/metrics").body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonObject siteKeyed(ApiClient api, String key) throws Exception {
        JsonArray sites = api.get("/api/v1/sites").json().getJsonArray("sites");
        for (int i = 0; i < sites.size(); i++) {
            if (key.equals(sites.getJsonObject(i).getString("site"))) {
                return sites.getJsonObject(i);
            }
        }
        throw new AssertionError("no site " + key + " in " + sites.encodePrettily());
    }

    private static JsonObject yahooSite(ApiClient api) throws Exception {
        JsonArray sites = api.get("/api/v1/sites").json().getJsonArray("sites");
        for (int i = 0; i < sites.size(); i++) {
            JsonObject s = sites.getJsonObject(i);
            if ("yahoo".equals(s.getString("provider"))) {
                return s;
            }
        }
        throw new AssertionError("no yahoo site in " + sites.encodePrettily());
    }

    private static JsonObject lane(JsonObject site, String source) {
        JsonArray sources = site.getJsonArray("sources");
        for (int i = 0; i < sources.size(); i++) {
            if (source.equals(sources.getJsonObject(i).getString("source"))) {
                return sources.getJsonObject(i);
            }
        }
        throw new AssertionError("no source " + source + " in " + site.encodePrettily());
    }

    /** Sends one message; returns its queue id. */
    private static String send(Hermod hermod, String recipient, String pool) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
            client.greeting();
            client.command("EHLO client.test");
            String header = pool == null ? "" : "X-Hermod-Pool: " + pool + "\r\n";
            return SmtpTestClient.expect(client.sendMail("sender@example.com", new ArrayList<>(List.of(recipient)),
                    (header + "Subject: t\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)), 250)
                    .queueId();
        }
    }
}
