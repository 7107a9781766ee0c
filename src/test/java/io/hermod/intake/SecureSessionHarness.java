package io.hermod.intake;

import io.hermod.config.Cidr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

/**
 * A session on a listener with TLS and AUTH: like {@link SessionHarness}, with a channel that can
 * start TLS and an authenticator that knows alice (password "secret", senders example.com and
 * bob@example.org) and carol (password "pw", any sender).
 */
final class SecureSessionHarness {

    static final String HOSTNAME = SessionHarness.HOSTNAME;
    /** Outside the harness's relay network. */
    static final String STRANGER = "198.51.100.7";

    final InMemoryMessageStore store = new InMemoryMessageStore(false);
    final RecordingQueue queue = new RecordingQueue();
    final ManualExecutor executor = new ManualExecutor(false);
    final FakeAuthenticator authenticator;
    final TlsTestChannel channel;
    final SmtpSession session;
    private int seen;

    /** A relay listener offering STARTTLS, the client outside relay_networks, not yet on TLS. */
    SecureSessionHarness() {
        this(ListenerRole.RELAY, STRANGER, false);
    }

    SecureSessionHarness(ListenerRole role, String client, boolean manualAuth) {
        this(role, client, manualAuth, 10);
    }

    SecureSessionHarness(ListenerRole role, String client, boolean manualAuth, int maxErrors) {
        authenticator = new FakeAuthenticator(manualAuth)
                .user("alice", "secret", "example.com", "bob@example.org")
                .user("carol", "pw", "*");
        channel = new TlsTestChannel(executor, role.implicitTls());
        IntakePolicy policy = new IntakePolicy(HOSTNAME, 10_000, 3, List.of(Cidr.parse("192.0.2.0/24")),
                Duration.ofMinutes(5), maxErrors, 50).forListener(role, true);
        session = new SmtpSession(policy, store, queue, channel, SessionHarness.address(client),
                Clock.fixed(SessionHarness.NOW, ZoneOffset.UTC), 64 * 1024, IntakeObserver.NONE, authenticator);
        session.start();
        seen = channel.writes.size();
    }

    List<String> send(String text) {
        session.receive(text.getBytes(StandardCharsets.UTF_8));
        return newLines();
    }

    /** EHLO, STARTTLS, handshake, EHLO again; returns the second EHLO's lines. */
    List<String> startTls() {
        send("EHLO client.example\r\n");
        List<String> ready = send("STARTTLS\r\n");
        if (!ready.equals(List.of("220 2.0.0 Ready to start TLS"))) {
            throw new AssertionError("STARTTLS refused: " + ready);
        }
        channel.completeHandshake();
        return send("EHLO client.example\r\n");
    }

    /** {@link #startTls()} then AUTH PLAIN with an initial response; returns the AUTH reply. */
    List<String> login(String user, String password) {
        startTls();
        return send("AUTH PLAIN " + plain(user, password) + "\r\n");
    }

    static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    List<String> newLines() {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        channel.writes.subList(seen, channel.writes.size()).forEach(joined::writeBytes);
        seen = channel.writes.size();
        return SessionHarness.lines(joined.toByteArray());
    }

    /** The stored message's Received header's with clause. */
    String receivedWith() {
        String text = new String(store.body(store.committed.get(0)), StandardCharsets.UTF_8);
        int with = text.indexOf(" with ");
        return text.substring(with + 6, text.indexOf(' ', with + 6));
    }
}
