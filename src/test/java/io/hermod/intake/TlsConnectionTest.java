package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.SelfSignedCertificate;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The STARTTLS engine wrapper against a JDK client engine, with the bytes between them moved by the
 * test, so that it decides what arrives in one read.
 */
class TlsConnectionTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TlsCredentials credentials;

    @BeforeAll
    static void certificate() throws Exception {
        vertx = Vertx.vertx();
        SelfSignedCertificate cert = SelfSignedCertificate.rsa(dir, "localhost");
        credentials = TlsCredentials.load(vertx, cert.cert(), cert.key());
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    /** One end: what it sent (not yet delivered) and what happened to it. */
    private static final class End implements TlsConnection.Peer {
        final List<byte[]> outbox = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        SSLException failure;
        boolean closed;

        @Override
        public void toNetwork(byte[] bytes) {
            outbox.add(bytes);
        }

        @Override
        public void toApplication(byte[] bytes) {
            events.add("data");
            received.writeBytes(bytes);
        }

        @Override
        public void handshakeDone() {
            events.add("handshake");
        }

        @Override
        public void closed(SSLException failure) {
            events.add("closed");
            this.failure = failure;
            closed = true;
        }

        /** Everything sent so far, as one read. */
        byte[] takeAll() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            outbox.forEach(all::writeBytes);
            outbox.clear();
            return all.toByteArray();
        }

        String text() {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private final End server = new End();
    private final End client = new End();
    private TlsConnection serverTls;
    private TlsConnection clientTls;

    private void connect(String... clientProtocols) throws Exception {
        serverTls = new TlsConnection(credentials.newEngine(), server);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLEngine engine = context.createSSLEngine("localhost", 25);
        engine.setUseClientMode(true);
        if (clientProtocols.length > 0) {
            engine.setEnabledProtocols(clientProtocols);
        }
        clientTls = new TlsConnection(engine, client);
        serverTls.begin();
        clientTls.begin();
    }

    /** Moves bytes both ways, each side's output as one read, until neither has anything to send. */
    private void pump() {
        for (int i = 0; i < 100 && (!client.outbox.isEmpty() || !server.outbox.isEmpty()); i++) {
            if (!client.outbox.isEmpty()) {
                serverTls.fromNetwork(client.takeAll());
            }
            if (!server.outbox.isEmpty()) {
                clientTls.fromNetwork(server.takeAll());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshake_thenTextBothWays(String protocol) throws Exception {
        connect(protocol);
        pump();

        assertThat(server.events).containsExactly("handshake");
        assertThat(client.events).containsExactly("handshake");
        clientTls.write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
        pump();
        serverTls.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
        pump();

        assertThat(server.text()).isEqualTo("EHLO client.example\r\n");
        assertThat(client.text()).isEqualTo("250 ok\r\n");
    }

    @Test
    void clientDataInTheSameReadAsItsFinished_comesAfterHandshakeDone() throws Exception {
        connect("TLSv1.3");
        // The client writes before its handshake is done: its Finished and the EHLO leave together.
        clientTls.write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
        pump();

        assertThat(server.events).containsExactly("handshake", "data");
        assertThat(server.text()).isEqualTo("EHLO client.example\r\n");
    }

    @Test
    void plainTextInsteadOfAHandshake_failsTheConnection_andNothingReachesTheSession() throws Exception {
        connect();

        serverTls.fromNetwork("RSET\r\nMAIL FROM:<a@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(server.events).containsExactly("closed");
        assertThat(server.failure).isNotNull();
        assertThat(server.text()).isEmpty();
    }

    @Test
    void oneByteAtATime_stillWorks() throws Exception {
        connect();
        for (int i = 0; i < 100 && !(client.outbox.isEmpty() && server.outbox.isEmpty()); i++) {
            for (byte b : client.takeAll()) {
                serverTls.fromNetwork(new byte[] {b});
            }
            clientTls.fromNetwork(server.takeAll());
        }
        clientTls.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        for (byte b : client.takeAll()) {
            serverTls.fromNetwork(new byte[] {b});
        }

        assertThat(server.text()).isEqualTo("NOOP\r\n");
    }

    @Test
    void aMessageLargerThanARecord_arrivesWhole() throws Exception {
        connect();
        pump();
        byte[] big = "0123456789abcdef".repeat(10_000).getBytes(StandardCharsets.US_ASCII);

        clientTls.write(big);
        pump();

        assertThat(server.received.toByteArray()).isEqualTo(big);
    }

    @Test
    void clientCloseNotify_closesWithoutFailure() throws Exception {
        connect();
        pump();

        clientTls.close();
        pump();

        assertThat(server.closed).isTrue();
        assertThat(server.failure).isNull();
    }

    @Test
    void serverWritesBeforeTheHandshakeEnds_waitForIt() throws Exception {
        connect();
        serverTls.write("220 greeting\r\n".getBytes(StandardCharsets.US_ASCII));
        pump();

        assertThat(client.text()).isEqualTo("220 greeting\r\n");
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
