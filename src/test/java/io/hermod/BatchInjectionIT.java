package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.dkim.Algorithm;
import io.hermod.dkim.KeyGen;
import io.hermod.dns.Dnsmasq;
import io.hermod.support.Await;
import io.hermod.support.Dkimpy;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch injection end to end: 1000 recipients with their own substitutions, text + HTML + an
 * attachment, DKIM-signed (Ed25519) at acceptance; every message reaches the sink, is parsed by
 * Jakarta Mail and carries its recipient's values; the signatures verify (dkimpy, when installed).
 * Malformed requests each get their documented error and queue nothing.
 */
class BatchInjectionIT {

    private static final int RECIPIENTS = 1000;
    private static final byte[] ATTACHMENT = new byte[3000];

    static {
        for (int i = 0; i < ATTACHMENT.length; i++) {
            ATTACHMENT[i] = (byte) (i * 31);
        }
    }

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void thousandRecipients_eachGetsItsOwnSignedMimeMessage_badRequestsQueueNothing() throws Exception {
        KeyGen.GeneratedKey key = KeyGen.generate(Algorithm.ED25519_SHA256, 0);
        Path keyFile = Files.writeString(dir.resolve("ed.pem"), key.privateKeyPem());
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                    dkim:
                      domains:
                        example.com:
                          - {selector: e1, key: "%s", algorithm: ed25519-sha256}
                    """.formatted(keyFile));
            try {
                refusedRequests_queueNothing(hermod);

                JsonArray recipients = new JsonArray();
                for (int i = 0; i < RECIPIENTS; i++) {
                    recipients.add(new JsonObject().put("email", "user" + i + "@d" + (i % 7) + ".test")
                            .put("name", "User " + i)
                            .put("substitutions", new JsonObject().put("first", "First" + i).put("code", "K" + i * 7)));
                }
                HttpResponse<String> r = post(hermod, request(recipients));

                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject answer = new JsonObject(r.body());
                assertThat(answer.getInteger("success_count")).isEqualTo(RECIPIENTS);
                assertThat(answer.getInteger("fail_count")).isZero();
                Await.until(() -> sink.received().size() == RECIPIENTS, 120,
                        () -> sink.received().size() + " of " + RECIPIENTS + " received");

                Map<String, TestSink.Received> byRecipient = new HashMap<>();
                for (TestSink.Received m : sink.received()) {
                    assertThat(m.recipients()).hasSize(1);
                    assertThat(m.from()).isEqualTo("bounces@example.com");
                    byRecipient.put(m.recipients().get(0), m);
                }
                assertThat(byRecipient).hasSize(RECIPIENTS);
                for (int i = 0; i < RECIPIENTS; i++) {
                    checkMessage(i, byRecipient.get("user" + i + "@d" + (i % 7) + ".test"));
                }
                if (Dkimpy.available()) {
                    try (Dnsmasq dns = Dnsmasq.start(Dnsmasq.longTxt("e1._domainkey.example.com", key.dnsTxt()))) {
                        List<Path> files = new ArrayList<>();
                        for (int i : new int[] {0, 1, 999}) {
                            String to = "user" + i + "@d" + (i % 7) + ".test";
                            files.add(Files.write(dir.resolve(to), byRecipient.get(to).data()));
                        }
                        assertThat(Dkimpy.verify(dir, dns.port(), files).values())
                                .allSatisfy(results -> assertThat(results).containsExactly(true));
                    }
                }
                List<JsonObject> receptions = EventLogFile.await(hermod, dir.resolve("events.log"), RECIPIENTS,
                        e -> "Reception".equals(e.getString("type")));
                assertThat(receptions).allSatisfy(e -> {
                    assertThat(e.getString("tenant")).isEqualTo("acme");
                    assertThat(e.getString("campaign")).isEqualTo("winter");
                });
                List<JsonObject> deliveries = EventLogFile.await(hermod, dir.resolve("events.log"), RECIPIENTS,
                        e -> "Delivery".equals(e.getString("type")));
                assertThat(deliveries).allSatisfy(e -> assertThat(e.getString("campaign")).isEqualTo("winter"));
            } finally {
                hermod.close();
            }
        }
    }

    private static void checkMessage(int i, TestSink.Received received) throws Exception {
        assertThat(received).as("message of recipient %d", i).isNotNull();
        assertThat(received.text()).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(received.data()));
        assertThat(m.getSubject()).isEqualTo("Your code, First" + i);
        InternetAddress to = (InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0];
        assertThat(to.getAddress()).isEqualTo("user" + i + "@d" + (i % 7) + ".test");
        assertThat(to.getPersonal()).isEqualTo("User " + i);
        assertThat(m.getHeader("List-Unsubscribe")[0]).isEqualTo("<https://example.com/u/K" + i * 7 + ">");
        Multipart mixed = (Multipart) m.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(alternative.getBodyPart(0).getContent().toString())
                .isEqualTo("Hello First" + i + ",\r\nyour code is K" + i * 7 + ".\r\n");
        assertThat(alternative.getBodyPart(1).isMimeType("text/html")).isTrue();
        assertThat(alternative.getBodyPart(1).getContent().toString())
                .isEqualTo("<p>Hello <b>First" + i + "</b>, your code is K" + i * 7 + " &lt;ok&gt;</p>");
        Part attachment = mixed.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("report.bin");
        assertThat(attachment.isMimeType("application/octet-stream")).isTrue();
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(ATTACHMENT);
    }

    private static JsonObject request(JsonArray recipients) {
        return new JsonObject()
                .put("envelope_sender", "bounces@example.com")
                .put("recipients", recipients)
                .put("substitutions", new JsonObject().put("suffix", "<ok>"))
                .put("tenant", "acme").put("campaign", "winter")
                .put("content", new JsonObject()
                        .put("from", new JsonObject().put("email", "news@example.com").put("name", "Example News"))
                        .put("subject", "Your code, {{first}}")
                        .put("text_body", "Hello {{first}},\nyour code is {{code}}.\n")
                        .put("html_body", "<p>Hello <b>{{first}}</b>, your code is {{code}} {{suffix}}</p>")
                        .put("headers", new JsonObject().put("List-Unsubscribe", "<https://example.com/u/{{code}}>"))
                        .put("attachments", new JsonArray().add(new JsonObject().put("file_name", "report.bin")
                                .put("content_type", "application/octet-stream")
                                .put("data", Base64.getMimeEncoder().encodeToString(ATTACHMENT)))));
    }

    /** Each documented refusal, and nothing of it reaches the queue or the spool. */
    private void refusedRequests_queueNothing(Hermod hermod) throws Exception {
        JsonArray two = new JsonArray()
                .add(new JsonObject().put("email", "a@x.test").put("substitutions", new JsonObject().put("first", "A")))
                .add(new JsonObject().put("email", "b@x.test").put("substitutions",
                        new JsonObject().put("first", "B").put("code", "2")));
        expect(hermod, "{", 400, "body: not a JSON object");
        expect(hermod, request(two).put("recipients", "a@x.test").encode(), 400, "recipients: must be an array");
        expect(hermod, request(two).put("tenant", 7).encode(), 400, "tenant: must be a string");
        JsonObject badTemplate = request(two);
        badTemplate.getJsonObject("content").put("html_body", "{{#unclosed}}");
        expect(hermod, badTemplate.encode(), 400, "content.html_body: not a valid Mustache template");
        // recipient 0 has no "code": the whole batch is refused, recipient 1 included
        HttpResponse<String> missing = post(hermod, request(two));
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(422);
        JsonObject error = new JsonObject(missing.body()).getJsonArray("errors").getJsonObject(0);
        assertThat(error.getString("recipient")).isEqualTo("a@x.test");
        assertThat(error.getString("field")).isEqualTo("content.text_body");
        JsonArray badAddress = new JsonArray().add(new JsonObject().put("email", "a@@x.test")
                .put("substitutions", new JsonObject().put("first", "A").put("code", "1")));
        expect(hermod, request(badAddress).encode(), 422, "recipients[0].email: not a valid mailbox");
        assertThat(hermod.spool().envelopes()).isEmpty();
        assertThat(hermod.queue().snapshot().toCompletionStage().toCompletableFuture().get().messages()).isZero();
    }

    private void expect(Hermod hermod, String body, int status, String reason) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + hermod.httpPort() + "/api/v1/inject"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(new JsonObject(r.body()).getString("error")).contains(reason);
    }

    private HttpResponse<String> post(Hermod hermod, JsonObject request) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + "/api/v1/inject"))
                .POST(HttpRequest.BodyPublishers.ofString(request.encode(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
