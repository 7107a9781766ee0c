package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/messages} with {@code feedback.secret} and {@code inbound.domains}: injected
 * mail gets the X-Hermod-Ref header too; a recipient at an inbound domain is refused, not relayed.
 */
class MessageInjectionFeedbackTest {

    @TempDir
    Path dir;

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(dir, "inbound:\n  domains: [bounces.example.com]\nfeedback:\n  secret: 0123456789abcdef\n",
                false);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private HttpResponse<String> inject(String... recipients) throws Exception {
        return api.post("/api/v1/messages", new JsonObject().put("sender", "a@example.com")
                .put("recipients", new JsonArray(List.of(recipients))).put("message", "Subject: hi\r\n\r\nbody\r\n"));
    }

    @Test
    void injectedMessage_carriesTheReferenceHeader() throws Exception {
        assertThat(inject("ok@example.net").statusCode()).isEqualTo(202);

        assertThat(api.queue.enqueued).singleElement().satisfies(q -> {
            String stored = new String(api.spool.body(q.envelope()), StandardCharsets.UTF_8);
            assertThat(stored).containsPattern("\r\nX-Hermod-Ref: 1[A-Za-z0-9_-]+\r\nSubject: hi\r\n");
        });
    }

    @Test
    void recipientAtInboundDomain_is400NamingIt() throws Exception {
        HttpResponse<String> r = inject("ok@example.net", "b-x@Bounces.Example.com");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("recipients[1]: b-x@Bounces.Example.com is at"
                + " an inbound domain (inbound.domains): its mail is consumed, not relayed");
        assertThat(api.queue.enqueued).isEmpty();
    }
}
