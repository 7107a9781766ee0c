package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /api/v1/messages} refusals: each names its field, and nothing reaches the queue. */
class MessageInjectionRefusalTest {

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

    private HttpResponse<String> inject(String body) throws Exception {
        return api.send("POST", "/api/v1/messages", body);
    }

    private void assertRefused(HttpResponse<String> r, int status, String... reasonParts) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ApiHarness.json(r).getString("error")).contains(reasonParts);
        assertThat(api.queue.enqueued).isEmpty();
        assertThat(api.events.events).isEmpty();
    }

    private static String valid(String field, Object value) {
        JsonObject body = new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net")).put("message", "Subject: hi\r\n\r\nx\r\n");
        if (value == null) {
            body.remove(field);
        } else {
            body.put(field, value);
        }
        return body.encode();
    }

    @Test
    void bodyThatIsNotJson_answers400() throws Exception {
        assertRefused(inject("{\"sender\": \"a@example.com\", "), 400, "body", "not valid JSON");
    }

    @Test
    void bodyThatIsAJsonArray_answers400() throws Exception {
        assertRefused(inject("[]"), 400, "body", "JSON object");
    }

    @Test
    void emptyBody_answers400() throws Exception {
        assertRefused(inject(""), 400, "body");
    }

    @Test
    void trailingGarbageAfterTheObject_answers400() throws Exception {
        assertRefused(inject(valid("sender", "a@example.com") + " {}"), 400, "body");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing sender        | sender     |                          | sender: missing",
        "sender not a string   | sender     | 42                       | sender: must be a string",
        "sender without domain | sender     | \"a@\"                   | sender: not a valid mailbox",
        "sender with brackets  | sender     | \"<a@example.com>\"      | sender: not a valid mailbox",
        "sender source route   | sender     | \"@relay.example:a@example.com\" | sender: not a valid mailbox",
        "sender with parameter | sender     | \"a@example.com> SIZE=10\" | sender: not a valid mailbox",
        "missing recipients    | recipients |                          | recipients: missing",
        "recipients not array  | recipients | \"x@example.net\"        | recipients: must be an array",
        "no recipients         | recipients | []                       | recipients: at least one",
        "null sender as rcpt   | recipients | [\"\"]                   | recipients[0]: not a valid mailbox",
        "second rcpt bad       | recipients | [\"x@example.net\", \"bad address@example.net\"] | recipients[1]: not a valid mailbox",
        "rcpt not a string     | recipients | [\"x@example.net\", 7]   | recipients[1]: must be a string",
        "rcpt bad domain       | recipients | [\"x@-example-.net\"]    | recipients[0]: not a valid mailbox",
        "missing message       | message    |                          | message: missing",
        "message not a string  | message    | {\"text\": 1}            | message: must be a string",
    })
    void invalidField_answers400NamingIt(String scenario, String field, String json, String reason) throws Exception {
        String body = valid(field, null);
        if (json != null) {
            body = body.substring(0, body.length() - 1) + ",\"" + field + "\":" + json + "}";
        }
        assertRefused(inject(body), 400, reason);
    }

    @Test
    void bothMessageAndMessageBase64_answers400() throws Exception {
        String body = new JsonObject(valid("message", "x")).put("message_base64", "eA==").encode();
        assertRefused(inject(body), 400, "message, message_base64", "exactly one");
    }

    @Test
    void unknownField_answers400NamingIt() throws Exception {
        String body = new JsonObject(valid("message", "x")).put("recipient", "x@example.net").encode();
        assertRefused(inject(body), 400, "\"recipient\"", "unknown field");
    }

    @Test
    void duplicateField_answers400() throws Exception {
        String body = valid("sender", "a@example.com");
        body = body.substring(0, body.length() - 1) + ",\"sender\":\"b@example.com\"}";
        assertRefused(inject(body), 400, "sender");
    }

    @Test
    void moreRecipientsThanSmtpMaxRecipients_answers400() throws Exception {
        JsonArray recipients = new JsonArray();
        for (int i = 0; i <= ApiHarness.MAX_RECIPIENTS; i++) {
            recipients.add("r" + i + "@example.net");
        }
        assertRefused(inject(valid("recipients", recipients)), 400, "recipients", "at most 3", "smtp.max_recipients");
    }

    @Test
    void exactlySmtpMaxRecipients_isAccepted() throws Exception {
        JsonArray recipients = new JsonArray();
        for (int i = 0; i < ApiHarness.MAX_RECIPIENTS; i++) {
            recipients.add("r" + i + "@example.net");
        }
        assertThat(inject(valid("recipients", recipients)).statusCode()).isEqualTo(202);
    }

    @Test
    void invalidBase64_answers400NamingMessageBase64() throws Exception {
        String body = new JsonObject(valid("message", null)).put("message_base64", "U3Vi*amVjdA==").encode();
        assertRefused(inject(body), 400, "message_base64", "base64");
    }

    @Test
    void lineLongerThan998Octets_answers400() throws Exception {
        assertRefused(inject(valid("message", "Subject: x\r\n\r\n" + "a".repeat(999) + "\r\n")), 400,
                "message", "998");
    }

    @Test
    void lineOfExactly998Octets_isAccepted() throws Exception {
        assertThat(inject(valid("message", "Subject: x\r\n\r\n" + "a".repeat(998) + "\r\n")).statusCode())
                .isEqualTo(202);
    }

    @Test
    void generalAddressLiteralRecipient_answers400_andTheIpLiteralsAreAccepted() throws Exception {
        assertRefused(inject(valid("recipients", new JsonArray().add("x@example.net").add("x@[tag:content]"))),
                400, "recipients[1]", "address literal");
        assertThat(inject(valid("recipients", new JsonArray().add("x@[192.0.2.1]").add("x@[IPv6:2001:db8::1]")))
                .statusCode()).isEqualTo(202);
    }

    @Test
    void nulOctet_answers400_whetherTextOrBase64() throws Exception {
        assertRefused(inject(valid("message", "Subject: x\r\n\r\ntext\r\n\u0000.\r\nMAIL FROM:<e@example.net>\r\n")),
                400, "message", "NUL");
        String body = new JsonObject(valid("message", null)).put("message_base64", Base64.getEncoder()
                .encodeToString("Subject: x\r\n\r\na\u0000b\r\n".getBytes(StandardCharsets.US_ASCII))).encode();
        assertRefused(inject(body), 400, "message", "NUL");
    }

    private static String received(int count) {
        return "Received: from a.example by b.example; Tue, 5 Mar 2024 10:15:30 +0000\r\n".repeat(count);
    }

    @Test
    void moreReceivedFieldsThanSmtpMaxHops_answers400() throws Exception {
        assertRefused(inject(valid("message", received(51) + "Subject: loop\r\n\r\nx\r\n")), 400,
                "message", "Received", "smtp.max_hops");
    }

    @Test
    void exactlySmtpMaxHopsReceivedFields_andMoreInTheBody_isAccepted() throws Exception {
        assertThat(inject(valid("message", received(50) + "Subject: far\r\n\r\n" + received(60))).statusCode())
                .isEqualTo(202);
    }

    @Test
    void unpairedSurrogate_answers400() throws Exception {
        assertRefused(inject(valid("message", null).replace("}", ",\"message\":\"Subject: \\ud800x\"}")), 400,
                "message", "surrogate");
    }

    @Test
    void emptyMessage_answers400() throws Exception {
        assertRefused(inject(valid("message", "")), 400, "message", "empty");
    }

    @Test
    void textOverTheSizeLimit_answers413() throws Exception {
        String line = "b".repeat(98) + "\r\n";
        String text = line.repeat((int) (ApiHarness.MAX_MESSAGE_SIZE / line.length()) + 1);
        assertRefused(inject(valid("message", text)), 413, "message", "smtp.max_message_size");
    }

    @Test
    void textThatOnlyGrowsOverTheLimitByLineEndingNormalisation_answers413() throws Exception {
        String line = "c".repeat(98) + "\n"; // 99 characters, stored as 100 octets
        String text = line.repeat((int) (ApiHarness.MAX_MESSAGE_SIZE / 99 - 1));
        assertThat((long) text.length()).isLessThan(ApiHarness.MAX_MESSAGE_SIZE);
        assertThat((long) text.length() / 99 * 100).isGreaterThan(ApiHarness.MAX_MESSAGE_SIZE);
        assertRefused(inject(valid("message", text)), 413, "smtp.max_message_size");
    }

    @Test
    void base64DecodingOverTheSizeLimit_answers413() throws Exception {
        byte[] message = ("d".repeat(98) + "\r\n").repeat((int) (ApiHarness.MAX_MESSAGE_SIZE / 100) + 1)
                .getBytes(StandardCharsets.US_ASCII);
        String body = new JsonObject(valid("message", null))
                .put("message_base64", Base64.getEncoder().encodeToString(message)).encode();
        assertRefused(inject(body), 413, "message", "smtp.max_message_size");
    }

    @Test
    void requestBodyOverTheBodyLimit_answers413BeforeParsing() throws Exception {
        long limit = MessageInjection.bodyLimit(ApiHarness.MAX_MESSAGE_SIZE);
        String body = "{\"message\":\"" + "e".repeat((int) limit) + "\"}";
        assertRefused(inject(body), 413, "request body larger than " + limit);
    }

    @Test
    void failedSpoolCommit_answers503_andQueuesNothing() throws Exception {
        api.spool.close();
        assertRefused(inject(valid("sender", "a@example.com")), 503, "spool");
    }

    @Test
    void failedSpoolWriteOfAnEarlyChunk_answers503() throws Exception {
        api.spool.close();
        String line = "f".repeat(98) + "\r\n";
        String text = line.repeat(8000); // about three chunks: chunk writes fail before the commit does
        assertRefused(inject(valid("message", text)), 503, "spool");
    }
}
