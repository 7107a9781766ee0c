package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Envelope;
import io.hermod.spool.Spool;
import io.hermod.spool.Suppression;
import io.hermod.support.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/inject}: what is stored for each recipient, what is refused, deferred batches. */
class BatchInjectionTest {

    static final byte[] ATTACHMENT = "%PDF-1.4 not really\n\u0000\u0001binary".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private ApiHarness api;

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    static JsonObject recipient(String email, String name, String first, String code) {
        return new JsonObject().put("email", email).put("name", name)
                .put("substitutions", new JsonObject().put("first", first).put("code", code));
    }

    static JsonObject builtRequest(List<JsonObject> recipients) {
        return new JsonObject()
                .put("envelope_sender", "bounces@example.com")
                .put("recipients", new JsonArray(new ArrayList<>(recipients)))
                .put("substitutions", new JsonObject().put("brand", "Acme & Co"))
                .put("content", new JsonObject()
                        .put("from", new JsonObject().put("email", "news@example.com").put("name", "{{brand}}"))
                        .put("subject", "Hello {{first}}, your code {{code}}")
                        .put("text_body", "Dear {{first}},\nyour code is {{code}}.\n-- {{brand}}\n")
                        .put("html_body", "<p>Dear <b>{{first}}</b>, code {{code}} from {{brand}}</p>")
                        .put("headers", new JsonObject().put("X-Campaign-Code", "c-{{code}}"))
                        .put("attachments", new JsonArray().add(new JsonObject().put("file_name", "terms.pdf")
                                .put("content_type", "application/pdf")
                                .put("data", Base64.getEncoder().encodeToString(ATTACHMENT)))))
                .put("tenant", "t1").put("campaign", "spring").put("pool", "warm");
    }

    private List<Envelope> stored() {
        List<Envelope> all = new ArrayList<>(api.spool.envelopes());
        all.sort(Comparator.comparing(e -> e.recipients().get(0).address()));
        return all;
    }

    static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    @Test
    void builtContent_oneMimeMessagePerRecipient_withItsValues_tagged() throws Exception {
        api = ApiHarness.start(dir);
        HttpResponse<String> r = api.post("/api/v1/inject", builtRequest(List.of(
                recipient("ann@example.net", "Ann Åberg", "Ann", "A1"),
                recipient("bob@example.org", null, "Bob", "B2"))));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject answer = ApiHarness.json(r);
        assertThat(answer.getInteger("success_count")).isEqualTo(2);
        assertThat(answer.getInteger("fail_count")).isZero();
        assertThat(answer.getJsonArray("failed_recipients")).isEmpty();
        List<Envelope> stored = stored();
        assertThat(stored).hasSize(2);
        assertThat(api.queue.enqueued).hasSize(2);

        Envelope ann = stored.get(0);
        assertThat(ann.sender()).isEqualTo("bounces@example.com");
        assertThat(ann.tags().tenant()).isEqualTo("t1");
        assertThat(ann.tags().campaign()).isEqualTo("spring");
        assertThat(ann.tags().pool()).isEqualTo("warm");
        MimeMessage m = parse(api.spool.body(ann));
        assertThat(m.getHeader("Received")[0]).contains("with HTTP id " + ann.id());
        assertThat(m.getMessageID()).isEqualTo("<" + ann.id() + "@" + ApiHarness.HOSTNAME + ">");
        assertThat(m.getSubject()).isEqualTo("Hello Ann, your code A1");
        assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Acme & Co");
        assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo("Ann Åberg");
        assertThat(m.getHeader("X-Campaign-Code")[0]).isEqualTo("c-A1");
        Multipart mixed = (Multipart) m.getContent();
        assertThat(mixed.getContentType()).startsWith("multipart/mixed");
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getBodyPart(0).getContent().toString()).isEqualTo("Dear Ann,\r\nyour code is A1.\r\n-- Acme & Co\r\n");
        assertThat(alternative.getBodyPart(1).getContent().toString())
                .isEqualTo("<p>Dear <b>Ann</b>, code A1 from Acme &amp; Co</p>");
        Part attachment = mixed.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("terms.pdf");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(ATTACHMENT);

        MimeMessage bob = parse(api.spool.body(stored.get(1)));
        assertThat(bob.getSubject()).isEqualTo("Hello Bob, your code B2");

        List<Event> receptions = api.events.ofType(EventType.Reception);
        assertThat(receptions).hasSize(2).allSatisfy(e -> {
            assertThat(e.tenant()).isEqualTo("t1");
            assertThat(e.campaign()).isEqualTo("spring");
            assertThat(e.pool()).isEqualTo("warm");
        });
    }

    @Test
    void rawTemplate_renderedPerRecipient() throws Exception {
        api = ApiHarness.start(dir);
        JsonObject request = new JsonObject().put("envelope_sender", "")
                .put("recipients", new JsonArray().add(new JsonObject().put("email", "x@example.net")
                        .put("substitutions", new JsonObject().put("n", 7))))
                .put("content", "From: a@example.com\nTo: {{email}}\nSubject: n={{n}}\n\nbody {{n}}\n");
        HttpResponse<String> r = api.post("/api/v1/inject", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String body = new String(api.spool.body(stored().get(0)), StandardCharsets.UTF_8);
        assertThat(body).endsWith("From: a@example.com\r\nTo: x@example.net\r\nSubject: n=7\r\n\r\nbody 7\r\n");
    }

    @Test
    void missingSubstitutionAndBadAddress_422PerRecipient_nothingStored() throws Exception {
        api = ApiHarness.start(dir);
        JsonObject request = builtRequest(List.of(
                recipient("ann@example.net", "Ann", "Ann", "A1"),
                new JsonObject().put("email", "bob@example.org").put("substitutions", new JsonObject().put("first", "Bob")),
                recipient("not an address", null, "C", "C3")));

        HttpResponse<String> r = api.post("/api/v1/inject", request);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonObject answer = ApiHarness.json(r);
        assertThat(answer.getInteger("fail_count")).isEqualTo(2);
        assertThat(answer.getJsonArray("failed_recipients")).containsExactly("bob@example.org", "not an address");
        JsonObject bob = answer.getJsonArray("errors").getJsonObject(0);
        assertThat(bob.getInteger("index")).isEqualTo(1);
        assertThat(bob.getString("field")).isEqualTo("content.subject");
        assertThat(bob.getString("reason")).contains("recipients[1]").contains("\"code\"");
        assertThat(answer.getJsonArray("errors").getJsonObject(1).getString("field")).isEqualTo("recipients[2].email");
        assertThat(api.spool.envelopes()).isEmpty();
        assertThat(api.queue.enqueued).isEmpty();
    }

    @Test
    void malformedRequests_400or413NamingTheField_nothingStored() throws Exception {
        api = ApiHarness.start(dir, "http:\n  inject:\n    max_recipients: 2\n", false);
        JsonObject good = builtRequest(List.of(recipient("a@example.net", null, "A", "1")));
        assertRefused(new JsonObject(), 400, "envelope_sender: missing");
        assertRefused(good.copy().put("colour", "red"), 400, "\"colour\": unknown field");
        assertRefused(good.copy().put("recipients", new JsonArray()), 400, "recipients: at least one");
        assertRefused(good.copy().put("recipients", new JsonArray().add("a@example.net")), 400, "recipients[0]: must be an object");
        assertRefused(good.copy().put("envelope_sender", "bad@"), 400, "envelope_sender: not a valid mailbox");
        JsonObject badTemplate = good.copy();
        badTemplate.getJsonObject("content").put("subject", "Hi {{#open}}");
        assertRefused(badTemplate, 400, "content.subject: not a valid Mustache template");
        JsonObject noBody = good.copy();
        noBody.getJsonObject("content").remove("text_body");
        noBody.getJsonObject("content").remove("html_body");
        assertRefused(noBody, 400, "content.text_body, content.html_body: give at least one");
        JsonObject badBase64 = good.copy();
        badBase64.getJsonObject("content").getJsonArray("attachments").getJsonObject(0).put("data", "***");
        assertRefused(badBase64, 400, "content.attachments[0].data: not base64");
        JsonObject reserved = good.copy();
        reserved.getJsonObject("content").put("headers", new JsonObject().put("Subject", "x"));
        assertRefused(reserved, 400, "content.headers.Subject: set by Hermod");
        assertRefused(good.copy().put("template_dialect", "jinja"), 400, "template_dialect");
        assertRefused(builtRequest(List.of(recipient("a@example.net", null, "A", "1"),
                recipient("b@example.net", null, "B", "2"), recipient("c@example.net", null, "C", "3"))), 413,
                "http.inject.max_recipients");
        HttpResponse<String> notJson = api.send("POST", "/api/v1/inject", "{nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(ApiHarness.json(notJson).getString("error")).startsWith("body: not a JSON object");
        assertThat(api.spool.envelopes()).isEmpty();
        assertThat(api.queue.enqueued).isEmpty();
    }

    private void assertRefused(JsonObject request, int status, String reason) throws Exception {
        HttpResponse<String> r = api.post("/api/v1/inject", request);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiHarness.json(r).getString("error")).contains(reason);
    }

    @Test
    void suppressedRecipient_getsNoMessage_andIsNamedInTheAnswer() throws Exception {
        api = ApiHarness.start(dir, "suppression:\n  enabled: true\n", false);
        api.spool.suppressions().add(new Suppression(Suppression.GLOBAL, "gone@example.net", "invalid-recipient", 1, 0)).join();

        HttpResponse<String> r = api.post("/api/v1/inject", builtRequest(List.of(
                recipient("gone@example.net", null, "G", "1"), recipient("here@example.net", null, "H", "2"))));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject answer = ApiHarness.json(r);
        assertThat(answer.getInteger("success_count")).isEqualTo(1);
        assertThat(answer.getJsonArray("failed_recipients")).containsExactly("gone@example.net");
        assertThat(answer.getJsonArray("errors").getJsonObject(0).getString("reason"))
                .isEqualTo("suppressed (invalid-recipient)");
        assertThat(stored()).extracting(e -> e.recipients().get(0).address()).containsExactly("here@example.net");
        assertThat(api.events.ofType(EventType.Suppressed)).hasSize(1);
    }

    @Test
    void headerValueWithLineBreak_422() throws Exception {
        api = ApiHarness.start(dir);
        HttpResponse<String> r = api.post("/api/v1/inject", builtRequest(List.of(
                recipient("a@example.net", null, "A\r\nBcc: evil@example.org", "1"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("line break");
        assertThat(api.spool.envelopes()).isEmpty();
    }

    @Test
    void deferred_202ThenExpandedInTheBackground_storedRequestRemoved() throws Exception {
        api = ApiHarness.start(dir);
        List<JsonObject> recipients = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            recipients.add(recipient("r" + i + "@example.net", null, "R" + i, "C" + i));
        }
        HttpResponse<String> r = api.post("/api/v1/inject", builtRequest(recipients).put("deferred", true));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(ApiHarness.json(r).getString("batch_id")).matches("[0-9A-F]{16}");
        assertThat(ApiHarness.json(r).getInteger("recipients")).isEqualTo(1200);
        Await.until(() -> api.queue.enqueued.size() == 1200 && api.spool.injections().pending().isEmpty(), 60,
                () -> api.queue.enqueued.size() + " queued");
        assertThat(api.spool.envelopes()).hasSize(1200);
    }

    @Test
    void deferred_storedBatchCutOff_resumesWhereItStoodAtTheNextStart() throws Exception {
        List<JsonObject> recipients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recipients.add(recipient("r" + i + "@example.net", null, "R" + i, "C" + i));
        }
        byte[] request = builtRequest(recipients).put("deferred", true).encode().getBytes(StandardCharsets.UTF_8);
        try (Spool spool = Spool.open(dir)) {
            // What a run stopped after the progress record at recipient 2 leaves behind.
            spool.injections().add(42, "127.0.0.1", request).join();
            spool.injections().progress(42, 2).join();
        }

        api = ApiHarness.start(dir);
        api.httpApi.resumeInjections();

        Await.until(() -> api.spool.injections().pending().isEmpty(), 30, () -> "batch still stored");
        assertThat(stored()).extracting(e -> e.recipients().get(0).address())
                .containsExactly("r2@example.net", "r3@example.net", "r4@example.net");
        MimeMessage r3 = parse(api.spool.body(stored().get(1)));
        assertThat(r3.getSubject()).isEqualTo("Hello R3, your code C3");
    }
}
