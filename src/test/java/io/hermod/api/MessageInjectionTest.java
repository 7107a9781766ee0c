package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/messages}: what is accepted, what is stored, what is refused. */
class MessageInjectionTest {

    private static final Pattern RECEIVED = Pattern.compile(
            "Received: from api \\(\\[127\\.0\\.0\\.1]\\)\r\n"
                    + "\tby mx\\.hermod\\.test \\(Hermod\\) with HTTP id ([0-9A-F]{16});\r\n"
                    + "\t[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\r\n");

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

    private static JsonObject request(String sender, List<String> recipients, String message) {
        return new JsonObject().put("sender", sender).put("recipients", new JsonArray(recipients))
                .put("message", message);
    }

    private HttpResponse<String> inject(JsonObject body) throws Exception {
        return api.post("/api/v1/messages", body);
    }

    /** The stored body with the Received header checked and cut off. */
    private byte[] storedMessage(Envelope envelope) {
        byte[] body = api.spool.body(envelope);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        var m = RECEIVED.matcher(text);
        assertThat(m.lookingAt()).as("Received header first, in: %s", text.substring(0, Math.min(300, text.length())))
                .isTrue();
        assertThat(m.group(1)).isEqualTo(envelope.id().toString());
        byte[] rest = new byte[body.length - m.end()];
        System.arraycopy(body, m.end(), rest, 0, rest.length);
        return rest;
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void textMessage_answers202WithId_andSpoolsReceivedHeaderPlusCrlfNormalisedText() throws Exception {
        HttpResponse<String> r = inject(request("a@example.com", List.of("x@example.net", "y@Example.ORG"),
                "Subject: hi\nFrom: a@example.com\r\n\r\nline one\rline two\r\r\n.\nlast"));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        String id = ApiHarness.json(r).getString("id");
        assertThat(id).matches("[0-9A-F]{16}");
        Envelope e = api.stored(r);
        assertThat(ascii(storedMessage(e))).isEqualTo(
                "Subject: hi\r\nFrom: a@example.com\r\n\r\nline one\r\nline two\r\n\r\n.\r\nlast\r\n");
        assertThat(e.sender()).isEqualTo("a@example.com");
        assertThat(e.recipients()).containsExactly(Recipient.pending("x@example.net"), Recipient.pending("y@Example.ORG"));
        assertThat(e.bodySize()).isEqualTo(api.spool.body(e).length);
        assertThat(e.chunkCount()).isEqualTo(1);
        assertThat(e.eightBit()).isFalse();
        assertThat(e.smtpUtf8()).isFalse();
        assertThat(e.clientName()).isEqualTo("api");
        assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void acceptedMessage_isEnqueuedWithItsBody_andLogsOneReceptionPerRecipient() throws Exception {
        HttpResponse<String> r = inject(request("a@example.com", List.of("x@example.net", "y@example.org"),
                "Subject: hi\r\n\r\nbody\r\n"));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope stored = api.stored(r);
        assertThat(api.queue.enqueued).hasSize(1);
        RecordingQueue.Enqueued q = api.queue.enqueued.get(0);
        assertThat(q.envelope()).isEqualTo(stored);
        assertThat(q.body()).isEqualTo(api.spool.body(stored));
        assertThat(q.thread()).contains("eventloop");
        List<Event> receptions = api.events.ofType(EventType.Reception);
        assertThat(receptions).extracting(Event::recipient).containsExactly("x@example.net", "y@example.org");
        assertThat(receptions).allSatisfy(ev -> {
            assertThat(ev.messageId()).isEqualTo(stored.id().toString());
            assertThat(ev.sender()).isEqualTo("a@example.com");
            assertThat(ev.queueTimeMillis()).isZero();
        });
    }

    @Test
    void base64MessageWith8BitBytes_isStoredByteForByte_andMarkedEightBit() throws Exception {
        byte[] message = "Subject: caf\u00e9\r\n\r\nna\u00efve \u00ff\r\n".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = inject(new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net"))
                .put("message_base64", Base64.getEncoder().encodeToString(message)));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope e = api.stored(r);
        assertThat(storedMessage(e)).isEqualTo(message);
        assertThat(e.eightBit()).isTrue();
    }

    @Test
    void base64WithoutPadding_isAccepted() throws Exception {
        HttpResponse<String> r = inject(new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net"))
                .put("message_base64", "U3ViamVjdDogaGkNCg0KYQ")); // "Subject: hi\r\n\r\na" unpadded

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(ascii(storedMessage(api.stored(r)))).isEqualTo("Subject: hi\r\n\r\na\r\n");
    }

    @Test
    void base64WithMimeLineBreaks_isAccepted() throws Exception {
        byte[] message = ("Subject: wrapped\r\n\r\n" + "0123456789".repeat(20) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String wrapped = Base64.getMimeEncoder().encodeToString(message);
        assertThat(wrapped).contains("\r\n");

        HttpResponse<String> r = inject(new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net")).put("message_base64", wrapped));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(storedMessage(api.stored(r))).isEqualTo(message);
    }

    @Test
    void nonAsciiText_isStoredAsUtf8_andMarkedEightBit() throws Exception {
        HttpResponse<String> r = inject(request("a@example.com", List.of("x@example.net"),
                "Subject: \u00e9t\u00e9 \ud83d\ude00\n\nbody"));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope e = api.stored(r);
        assertThat(new String(storedMessage(e), StandardCharsets.UTF_8))
                .isEqualTo("Subject: \u00e9t\u00e9 \ud83d\ude00\r\n\r\nbody\r\n");
        assertThat(e.eightBit()).isTrue();
    }

    @Test
    void emptySender_isTheNullSender() throws Exception {
        HttpResponse<String> r = inject(request("", List.of("x@example.net"), "Subject: bounce\r\n\r\nx\r\n"));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope e = api.stored(r);
        assertThat(e.sender()).isEmpty();
        assertThat(e.isNullSender()).isTrue();
    }

    @Test
    void nonAsciiAddresses_areAccepted_andMarkTheEnvelopeSmtpUtf8() throws Exception {
        HttpResponse<String> r = inject(request("j\u00f6rg@example.com", List.of("\u7528\u6237@\u4f8b\u5b50.test"),
                "Subject: hi\r\n\r\nx\r\n"));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope e = api.stored(r);
        assertThat(e.smtpUtf8()).isTrue();
        assertThat(e.sender()).isEqualTo("j\u00f6rg@example.com");
        assertThat(e.recipients()).extracting(Recipient::address).containsExactly("\u7528\u6237@\u4f8b\u5b50.test");
    }

    @Test
    void messageLargerThanOneChunk_isStoredInChunks_andEnqueuedWithoutBody() throws Exception {
        StringBuilder text = new StringBuilder("Subject: big\n\n");
        while (text.length() < 2 * Spool.CHUNK_SIZE + 1000) {
            text.append("x".repeat(76)).append('\n');
        }
        HttpResponse<String> r = inject(request("a@example.com", List.of("x@example.net"), text.toString()));

        assertThat(r.statusCode()).isEqualTo(202);
        Envelope e = api.stored(r);
        assertThat(e.chunkCount()).isEqualTo(3);
        assertThat(ascii(storedMessage(e))).isEqualTo(text.toString().replace("\n", "\r\n"));
        assertThat(api.queue.enqueued).singleElement().satisfies(q -> assertThat(q.body()).isNull());
    }

    @Test
    void base64LongerThanTheSizeLimit_butDecodingWithinIt_isAccepted() throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes("Subject: near the limit\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        while (message.size() < ApiHarness.MAX_MESSAGE_SIZE - 1000) {
            message.writeBytes(("y".repeat(98) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        String encoded = Base64.getEncoder().encodeToString(message.toByteArray());
        assertThat((long) encoded.length()).isGreaterThan(ApiHarness.MAX_MESSAGE_SIZE);

        HttpResponse<String> r = inject(new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray().add("x@example.net")).put("message_base64", encoded));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(storedMessage(api.stored(r))).isEqualTo(message.toByteArray());
    }

    @Test
    void messageAtExactlyTheSizeLimit_isAccepted() throws Exception {
        String head = "Subject: exact\r\n\r\n";
        StringBuilder text = new StringBuilder(head);
        while (text.length() + 100 <= ApiHarness.MAX_MESSAGE_SIZE) {
            text.append("z".repeat(98)).append("\r\n");
        }
        int rest = (int) (ApiHarness.MAX_MESSAGE_SIZE - text.length());
        text.append("w".repeat(rest - 2)).append("\r\n");
        assertThat((long) text.length()).isEqualTo(ApiHarness.MAX_MESSAGE_SIZE);

        HttpResponse<String> r = inject(request("a@example.com", List.of("x@example.net"), text.toString()));

        assertThat(r.statusCode()).isEqualTo(202);
    }
}
