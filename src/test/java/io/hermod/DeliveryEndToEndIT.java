package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.RecordingProxy;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vertx-mail-client → (recording proxy) → Hermod → test sink: what arrives at the sink is exactly
 * what the client sent, after Hermod's Received header, with the same envelope.
 */
class DeliveryEndToEndIT {

    @TempDir
    Path dir;

    private TestSink sink;
    private Hermod hermod;
    private Vertx vertx;
    private RecordingProxy proxy;
    private MailClient client;

    @BeforeEach
    void start() throws Exception {
        sink = TestSink.start(true);
        hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
        vertx = Vertx.vertx();
        proxy = RecordingProxy.start(vertx, "127.0.0.1", hermod.smtpPort());
        client = MailClient.create(vertx, new MailConfig().setHostname("127.0.0.1").setPort(proxy.port())
                .setStarttls(StartTLSOptions.DISABLED).setPipelining(true).setOwnHostname("client.test"));
    }

    @AfterEach
    void stop() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        proxy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hermod.close();
        sink.close();
    }

    @Test
    void oneRecipient_sinkGetsTheWireBytesAfterTheReceivedHeader() throws Exception {
        send(new MailMessage().setFrom("sender@example.com").setTo("rcpt@example.net").setSubject("hello")
                .setText("first\n.dot line\n..two dots\nlast\n"));

        Await.until(() -> sink.received().size() == 1, 30, () -> sink.received().toString());
        TestSink.Received got = sink.received().get(0);
        assertThat(got.from()).isEqualTo("sender@example.com");
        assertThat(got.recipients()).containsExactly("rcpt@example.net");
        byte[] wire = proxy.messages().get(0);
        assertThat(withoutReceived(got.data())).isEqualTo(wire);
        assertThat(got.text()).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.hermod.test (Hermod)");
        assertThat(got.text()).contains("\r\n.dot line\r\n..two dots\r\n");
        awaitSpoolEmpty();
    }

    @Test
    void fiftyRecipientsOverThreeDomains_oneTransactionPerDomain_sameBytes() throws Exception {
        List<String> recipients = new ArrayList<>();
        String[] domains = {"alpha.test", "beta.test", "gamma.test"};
        for (int i = 0; i < 50; i++) {
            recipients.add("user" + i + "@" + domains[i % 3]);
        }
        send(new MailMessage().setFrom("bulk@example.com").setTo(recipients).setSubject("fifty").setText("hi all\n"));

        Await.until(() -> sink.deliveredRecipients().size() == 50, 30, () -> sink.deliveredRecipients().toString());
        assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrderElementsOf(recipients);
        assertThat(sink.received()).hasSize(3);
        byte[] wire = proxy.messages().get(0);
        for (TestSink.Received got : sink.received()) {
            assertThat(got.from()).isEqualTo("bulk@example.com");
            String domain = got.recipients().get(0).substring(got.recipients().get(0).indexOf('@') + 1);
            assertThat(got.recipients()).allMatch(r -> r.endsWith("@" + domain));
            assertThat(withoutReceived(got.data())).isEqualTo(wire);
        }
        // the stored message, Received header included, went out unchanged to every domain
        assertThat(sink.received().get(0).data()).isEqualTo(sink.received().get(1).data());
        awaitSpoolEmpty();
    }

    private void send(MailMessage message) throws Exception {
        client.sendMail(message).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void awaitSpoolEmpty() throws InterruptedException {
        Await.until(() -> hermod.queue().messages() == 0, 30, () -> hermod.queue().messages() + " messages open");
        Await.until(() -> hermod.spool().envelopes().isEmpty(), 30, () -> "spool still holds messages");
    }

    static byte[] withoutReceived(byte[] data) {
        return Arrays.copyOfRange(data, IntakeToSpoolIT.receivedHeaderLength(data), data.length);
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
