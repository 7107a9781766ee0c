package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Suppression;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/suppressions}: list by pages, look up, add, remove. */
class SuppressionRoutesTest {

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

    @Test
    void put_thenGet_showsAManualEntry_globalOrForTheGivenScope() throws Exception {
        HttpResponse<String> put = api.send("PUT", "/api/v1/suppressions/Someone@Example.NET", null);
        assertThat(put.statusCode()).isEqualTo(200);

        JsonObject got = new JsonObject(api.get("/api/v1/suppressions/someone@example.net").body());
        assertThat(got.getString("address")).isEqualTo("someone@example.net");
        assertThat(got.getString("scope")).isEqualTo("global");
        assertThat(got.getString("reason")).isEqualTo("manual");
        assertThat(got.getValue("expires")).isNull();
        assertThat(api.get("/api/v1/suppressions/someone@example.net?scope=example.com").statusCode()).isEqualTo(404);

        assertThat(api.send("PUT", "/api/v1/suppressions/x@example.net?scope=Example.COM", null).statusCode())
                .isEqualTo(200);
        assertThat(api.spool.suppressions().find("news@example.com", "X@example.net", System.currentTimeMillis()))
                .isPresent();
        assertThat(api.events.ofType(EventType.AdminAction)).extracting(Event::detail).containsExactly(
                "suppress someone@example.net (global)", "suppress x@example.net (sender domain example.com)");
    }

    @Test
    void delete_removesTheEntry_andASecondDeleteIs404() throws Exception {
        api.spool.suppressions().add(new Suppression("", "gone@example.net", "invalid-recipient", 1, 0))
                .get(10, TimeUnit.SECONDS);

        HttpResponse<String> first = api.send("DELETE", "/api/v1/suppressions/gone@example.net", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(first.body()).getString("reason")).isEqualTo("invalid-recipient");
        assertThat(api.spool.suppressions().lookup("", "gone@example.net", 2)).isEmpty();

        HttpResponse<String> second = api.send("DELETE", "/api/v1/suppressions/gone@example.net", null);
        assertThat(second.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(second.body()).getString("error"))
                .isEqualTo("no suppression entry for gone@example.net (global)");
    }

    @Test
    void list_pagesThroughEveryEntry_withTheNextCursor() throws Exception {
        for (int i = 0; i < 5; i++) {
            api.spool.suppressions().add(new Suppression(i % 2 == 0 ? "" : "example.com", "r" + i + "@example.net",
                    Suppression.MANUAL, 1, 0)).get(10, TimeUnit.SECONDS);
        }
        List<String> seen = new ArrayList<>();
        String next = "";
        do {
            JsonObject page = new JsonObject(api.get("/api/v1/suppressions?limit=2&after="
                    + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)).body());
            JsonArray entries = page.getJsonArray("entries");
            for (int i = 0; i < entries.size(); i++) {
                seen.add(entries.getJsonObject(i).getString("scope") + " " + entries.getJsonObject(i).getString("address"));
            }
            next = page.getString("next");
        } while (next != null);

        assertThat(seen).containsExactly("global r0@example.net", "global r2@example.net", "global r4@example.net",
                "example.com r1@example.net", "example.com r3@example.net");
    }

    @Test
    void export_thenImport_bringsBackTheSameEntries() throws Exception {
        api.spool.suppressions().add(new Suppression("", "a@example.net", "invalid-recipient", 1_000, 0))
                .get(10, TimeUnit.SECONDS);
        api.spool.suppressions().add(new Suppression("example.com", "b@example.net", "inactive-mailbox", 2_000,
                4_102_444_800_000L)).get(10, TimeUnit.SECONDS);
        HttpResponse<String> export = api.get("/api/v1/suppressions/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("content-type")).contains("application/x-ndjson");
        assertThat(export.body().lines()).hasSize(2);

        api.send("DELETE", "/api/v1/suppressions/a@example.net", null);
        api.send("DELETE", "/api/v1/suppressions/b@example.net?scope=example.com", null);
        HttpResponse<String> imported = api.send("POST", "/api/v1/suppressions/import", export.body());

        assertThat(imported.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(imported.body()).getInteger("imported")).isEqualTo(2);
        assertThat(api.spool.suppressions().page(null, null, 10, 3_000)).containsExactly(
                new Suppression("", "a@example.net", "invalid-recipient", 1_000, 0),
                new Suppression("example.com", "b@example.net", "inactive-mailbox", 2_000, 4_102_444_800_000L));
    }

    @Test
    void csvExport_thenCsvImport_bringsBackTheSameEntries() throws Exception {
        api.spool.suppressions().add(new Suppression("", "a@example.net", "invalid-recipient", 1_000, 0))
                .get(10, TimeUnit.SECONDS);
        api.spool.suppressions().add(new Suppression("example.com", "\"b,c\"@example.net", "complaint, twice", 2_000,
                4_102_444_800_000L)).get(10, TimeUnit.SECONDS);
        HttpResponse<String> export = api.get("/api/v1/suppressions/export?format=csv");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(export.body()).isEqualTo("address,scope,reason,added,expires\r\n"
                + "a@example.net,global,invalid-recipient,1970-01-01T00:00:01Z,\r\n"
                + "\"\"\"b,c\"\"@example.net\",example.com,\"complaint, twice\",1970-01-01T00:00:02Z,2100-01-01T00:00:00Z\r\n");
        assertThat(api.get("/api/v1/suppressions/export", "accept", "text/csv").body()).isEqualTo(export.body());

        api.send("DELETE", "/api/v1/suppressions/a@example.net", null);
        api.send("DELETE", "/api/v1/suppressions/%22b%2Cc%22@example.net?scope=example.com", null);
        HttpResponse<String> imported = api.send("POST", "/api/v1/suppressions/import", export.body(),
                "content-type", "text/csv");

        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(api.spool.suppressions().page(null, null, 10, 3_000)).containsExactly(
                new Suppression("", "a@example.net", "invalid-recipient", 1_000, 0),
                new Suppression("example.com", "\"b,c\"@example.net", "complaint, twice", 2_000, 4_102_444_800_000L));
    }

    @Test
    void csvImport_ofBareAddresses_takesTheDefaults_andABadRecordNamesItsLine() throws Exception {
        HttpResponse<String> ok = api.send("POST", "/api/v1/suppressions/import?format=csv",
                "x@example.net\ny@example.net\n");
        HttpResponse<String> bad = api.send("POST", "/api/v1/suppressions/import?format=csv",
                "address,reason\nz@example.net,manual\nnot an address,manual\n");
        HttpResponse<String> unclosed = api.send("POST", "/api/v1/suppressions/import?format=csv", "\"x@example.net\n");

        assertThat(new JsonObject(ok.body()).getInteger("imported")).isEqualTo(2);
        assertThat(api.spool.suppressions().find("", "y@example.net", 3_000)).isPresent();
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getString("error")).startsWith("line 3: ");
        assertThat(api.spool.suppressions().find("", "z@example.net", 3_000)).isEmpty();
        assertThat(new JsonObject(unclosed.body()).getString("error")).isEqualTo("line 1: a quoted field is not closed");
    }

    @Test
    void export_ofMoreThanOnePage_hasEveryEntryOnce() throws Exception {
        List<Suppression> many = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            many.add(new Suppression("", "r" + i + "@example.net", Suppression.MANUAL, 1, 0));
        }
        api.spool.suppressions().addAll(many).get(10, TimeUnit.SECONDS);

        List<String> lines = api.get("/api/v1/suppressions/export").body().lines().toList();

        assertThat(lines).hasSize(2_345).doesNotHaveDuplicates();
    }

    @Test
    void import_withABadLine_is400NamingIt_andAddsNothing() throws Exception {
        HttpResponse<String> r = api.send("POST", "/api/v1/suppressions/import",
                "{\"address\": \"ok@example.net\"}\n\n{\"address\": \"nobody\"}\n");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).startsWith("line 3: address: not a mailbox");
        assertThat(api.spool.suppressions().page(null, null, 10, System.currentTimeMillis())).isEmpty();
    }

    @Test
    void badAddressScopeOrLimit_is400NamingIt() throws Exception {
        assertThat(new JsonObject(api.send("PUT", "/api/v1/suppressions/nobody", null).body()).getString("error"))
                .startsWith("address: not a mailbox");
        assertThat(new JsonObject(api.get("/api/v1/suppressions/a@example.net?scope=-bad-").body()).getString("error"))
                .startsWith("scope: not a domain name");
        HttpResponse<String> limit = api.get("/api/v1/suppressions?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(limit.body()).getString("error")).isEqualTo("limit: must be between 1 and 1000, got \"0\"");
    }
}
