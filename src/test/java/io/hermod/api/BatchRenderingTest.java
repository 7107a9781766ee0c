package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Templates and MIME building of a batch, without a server. */
class BatchRenderingTest {

    private static BatchRequest request(JsonObject content, JsonObject recipient) {
        return BatchRequest.parse(Buffer.buffer(new JsonObject().put("envelope_sender", "b@example.com")
                .put("recipients", new JsonArray().add(recipient))
                .put("substitutions", new JsonObject().put("shop", "Shop & Co"))
                .put("content", content).encode()), 10);
    }

    private static String render(BatchRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchRendering.of(request).render(request.recipients().get(0), "id@example.com", 0, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rawTemplate_recipientValuesOverGlobal_emailNameAndMetadataAvailable() throws Exception {
        String message = render(BatchRequest.parse(Buffer.buffer(new JsonObject().put("envelope_sender", "")
                .put("recipients", new JsonArray().add(new JsonObject().put("email", "x@example.net").put("name", "X")
                        .put("metadata", new JsonObject().put("plan", "gold"))
                        .put("substitutions", new JsonObject().put("shop", "Mine"))))
                .put("substitutions", new JsonObject().put("shop", "Global").put("greeting", "Hi"))
                .put("content", "To: {{name}} <{{email}}>\nSubject: {{greeting}} from {{shop}}\n\n{{metadata.plan}} & more\n")
                .encode()), 10));
        assertThat(message).isEqualTo("To: X <x@example.net>\nSubject: Hi from Mine\n\ngold & more\n");
    }

    @Test
    void missingValue_namesTheVariableAndTheField() {
        BatchRequest r = request(new JsonObject().put("from", new JsonObject().put("email", "n@example.com"))
                .put("subject", "ok").put("text_body", "Dear {{first}}"), new JsonObject().put("email", "x@example.net"));
        assertThatThrownBy(() -> render(r)).isInstanceOf(BatchRendering.RenderException.class)
                .hasMessageContaining("\"first\"")
                .satisfies(e -> assertThat(((BatchRendering.RenderException) e).field).isEqualTo("content.text_body"));
    }

    @Test
    void textOnly_isOneTextPlainPart_utf8SubjectEncoded_htmlEscapesValues() throws Exception {
        BatchRequest text = request(new JsonObject().put("from", new JsonObject().put("email", "n@example.com"))
                .put("subject", "Grüße von {{shop}}").put("text_body", "{{shop}}\n" + "long line ".repeat(120)),
                new JsonObject().put("email", "x@example.net"));
        MimeMessage m = parse(render(text));
        assertThat(m.isMimeType("text/plain")).isTrue();
        assertThat(m.getSubject()).isEqualTo("Grüße von Shop & Co");
        assertThat(m.getContent().toString()).startsWith("Shop & Co\r\n");
        assertThat(render(text).lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));

        BatchRequest html = request(new JsonObject().put("from", new JsonObject().put("email", "n@example.com"))
                .put("subject", "s").put("html_body", "<p>{{shop}}</p>"), new JsonObject().put("email", "x@example.net"));
        MimeMessage h = parse(render(html));
        assertThat(h.isMimeType("text/html")).isTrue();
        assertThat(h.getContent().toString()).isEqualTo("<p>Shop &amp; Co</p>");
        assertThat(h.getMessageID()).isEqualTo("<id@example.com>");
    }

    @Test
    void renderedFromThatIsNotAnAddress_isARenderError() {
        BatchRequest r = request(new JsonObject().put("from", new JsonObject().put("email", "{{shop}}"))
                .put("subject", "s").put("text_body", "t"), new JsonObject().put("email", "x@example.net"));
        assertThatThrownBy(() -> render(r)).isInstanceOf(BatchRendering.RenderException.class)
                .hasMessageContaining("content.from: not a valid address");
    }

    private static MimeMessage parse(String message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }
}
