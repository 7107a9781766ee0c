package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.queue.QueueAdmin.DomainStats;
import io.hermod.queue.QueueAdmin.QueueSnapshot;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/queues}: the snapshot and the per-domain actions. */
class QueueRoutesTest {

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

    private HttpResponse<String> post(String path) throws Exception {
        return api.send("POST", path, null);
    }

    @Test
    void snapshot_isListedPerDomainWithTotals() throws Exception {
        api.admin.snapshot = new QueueSnapshot(List.of(
                new DomainStats("example.net", 3, 2, 1, false, 125_900),
                new DomainStats("example.org", 0, 0, 0, true, 0)), 3, 2, 1, 5);

        HttpResponse<String> r = api.get("/api/v1/queues");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(new JsonObject("""
                {"recovered": true, "domains": [
                  {"domain": "example.net", "ready": 3, "scheduled": 2, "in_flight": 1, "suspended": false,
                   "oldest_age_seconds": 125},
                  {"domain": "example.org", "ready": 0, "scheduled": 0, "in_flight": 0, "suspended": true,
                   "oldest_age_seconds": 0}],
                 "totals": {"ready": 3, "scheduled": 2, "in_flight": 1, "messages": 5}}"""));
    }

    @Test
    void emptyQueue_isAnEmptyListWithZeroTotals() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/queues");

        assertThat(ApiHarness.json(r)).isEqualTo(new JsonObject(
                "{\"recovered\":true,\"domains\":[],\"totals\":{\"ready\":0,\"scheduled\":0,\"in_flight\":0,\"messages\":0}}"));
    }

    @Test
    void suspend_callsTheAdminWithTheLowerCasedDomain_andLogsAnAdminAction() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/Example.COM/suspend");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(new JsonObject().put("domain", "example.com").put("action", "suspend"));
        assertThat(api.admin.calls).containsExactly("suspend example.com");
        assertThat(api.events.events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.AdminAction);
            assertThat(e.detail()).isEqualTo("suspend example.com");
        });
    }

    @Test
    void resume_callsTheAdmin_andLogsAnAdminAction() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/example.com/resume");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(new JsonObject().put("domain", "example.com").put("action", "resume"));
        assertThat(api.admin.calls).containsExactly("resume example.com");
        assertThat(api.events.ofType(EventType.AdminAction)).extracting(Event::detail).containsExactly("resume example.com");
    }

    @Test
    void flush_reportsHowManyDeliveriesWereMadeDue_andLogsAnAdminAction() throws Exception {
        api.admin.flushed = 7;

        HttpResponse<String> r = post("/api/v1/queues/example.com/flush");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(
                new JsonObject().put("domain", "example.com").put("action", "flush").put("flushed", 7));
        assertThat(api.admin.calls).containsExactly("flush example.com");
        assertThat(api.events.ofType(EventType.AdminAction)).extracting(Event::detail).containsExactly("flush example.com");
    }

    @Test
    void bounce_reportsHowManyDeliveriesWereBounced_andLogsAnAdminAction() throws Exception {
        api.admin.flushed = 3;

        HttpResponse<String> r = post("/api/v1/queues/example.com/bounce");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(r)).isEqualTo(
                new JsonObject().put("domain", "example.com").put("action", "bounce").put("bounced", 3));
        assertThat(api.admin.calls).containsExactly("bounce example.com");
        assertThat(api.events.ofType(EventType.AdminAction)).extracting(Event::detail).containsExactly("bounce example.com");
    }

    @Test
    void addressLiteralDomain_isAccepted() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/%5B192.0.2.1%5D/suspend");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.admin.calls).containsExactly("suspend [192.0.2.1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-bad-.example", "exa_mple.com", "example..com", "example.com.", "%5Bnot-an-ip%5D",
        "a%20b.example"})
    void invalidDomain_answers400_andDoesNotReachTheAdmin(String domain) throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/" + domain + "/suspend");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiHarness.json(r).getString("error")).startsWith("domain:");
        assertThat(api.admin.calls).isEmpty();
        assertThat(api.events.events).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"suspend", "resume", "flush", "bounce"})
    void invalidDomain_isRefusedByEveryAction_withTheDomainInTheReason(String action) throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/exa_mple.com/" + action);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ApiHarness.json(r).getString("error")).isEqualTo(
                "domain: not a domain name or address literal: \"exa_mple.com\"");
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void ipv6AddressLiteral_isAccepted_andLowerCasedLikeAQueueKey() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/%5BIPv6:2001:DB8::1%5D/flush");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.admin.calls).containsExactly("flush [ipv6:2001:db8::1]");
    }

    @Test
    void uLabelDomain_isAccepted() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/b%C3%BCcher.example/resume");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.admin.calls).containsExactly("resume b\u00fccher.example");
    }

    @Test
    void failingAdmin_answers503_andLogsNoAction() throws Exception {
        api.admin.failure = new IllegalStateException("shard 3 is gone");

        HttpResponse<String> r = post("/api/v1/queues/example.com/suspend");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(ApiHarness.json(r).getString("error")).contains("suspend example.com", "shard 3 is gone");
        assertThat(api.events.events).isEmpty();
    }

    @Test
    void getOnAnAction_answers405() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/queues/example.com/suspend");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(api.admin.calls).isEmpty();
    }

    @Test
    void unknownAction_answers404() throws Exception {
        HttpResponse<String> r = post("/api/v1/queues/example.com/purge");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(ApiHarness.json(r).getString("error")).contains("/api/v1/queues/example.com/purge");
    }
}
