package io.hermod.intake;

import io.hermod.config.Cidr;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@link SmtpSession} wired to in-memory fakes: feed it text or bytes, get back the reply
 * lines that the feed produced. The greeting is sent on construction and is not returned by
 * {@link #send}; {@link #allLines()} has it.
 */
final class SessionHarness {

    static final String HOSTNAME = "mx.hermod.test";
    static final Instant NOW = Instant.parse("2024-03-05T10:15:30Z");
    /** The id of the first message a fresh harness stores. */
    static final MessageId FIRST_ID = new MessageId(InMemoryMessageStore.FIRST_ID);

    /** What a test may change before the session is built; defaults suit most tests. */
    static final class Options {
        long maxMessageSize = 10_000;
        int maxRecipients = 3;
        int maxErrors = 10;
        int maxHops = 50;
        Duration idleTimeout = Duration.ofMinutes(5);
        String relayNetwork = "192.0.2.0/24";
        String client = "192.0.2.10";
        int chunkSize = 64 * 1024;
        /** The store's futures stay pending until completed by hand. */
        boolean manualStore;
        /** Completions reach the session only when the test runs the executor. */
        boolean queuedExecutor;
        io.hermod.dkim.Signing signing = io.hermod.dkim.Signing.NONE;
        SuppressionCheck suppression = SuppressionCheck.NONE;
        IntakeObserver observer = IntakeObserver.NONE;
        InboundMail inbound = InboundMail.NONE;
        TraceHeader trace = TraceHeader.NONE;
        /** The budget for mail in progress; unlimited unless a test fills it. */
        io.hermod.spool.MemoryBudget memory = io.hermod.spool.MemoryBudget.unlimited();
    }

    final Options options;
    final InMemoryMessageStore store;
    final RecordingQueue queue = new RecordingQueue();
    final ManualExecutor executor;
    final RecordingChannel channel;
    final SmtpSession session;
    private int seen;

    SessionHarness() {
        this(new Options());
    }

    SessionHarness(Options options) {
        this.options = options;
        this.store = new InMemoryMessageStore(options.manualStore);
        this.executor = new ManualExecutor(options.queuedExecutor);
        this.channel = new RecordingChannel(executor);
        IntakePolicy policy = new IntakePolicy(HOSTNAME, options.maxMessageSize, options.maxRecipients,
                List.of(Cidr.parse(options.relayNetwork)), options.idleTimeout, options.maxErrors, options.maxHops)
                .withSigning(options.signing).withSuppression(options.suppression)
                .withFeedback(options.inbound, options.trace).withMemory(options.memory);
        this.session = new SmtpSession(policy, store, queue, channel, address(options.client),
                Clock.fixed(NOW, ZoneOffset.UTC), options.chunkSize, options.observer);
        session.start();
        seen = channel.writes.size();
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Feeds {@code text} as UTF-8 in one chunk and returns the reply lines sent since the last call. */
    List<String> send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    List<String> send(byte[] bytes) {
        session.receive(bytes);
        return newLines();
    }

    /** Feeds several chunks in order; returns every reply line they produced. */
    List<String> sendChunks(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            session.receive(chunk);
        }
        return newLines();
    }

    /** EHLO, MAIL and one RCPT per recipient, each accepted; then DATA. Returns nothing. */
    void openData(String sender, String... recipients) {
        StringBuilder script = new StringBuilder("EHLO client.example\r\nMAIL FROM:<" + sender + ">\r\n");
        for (String rcpt : recipients) {
            script.append("RCPT TO:<").append(rcpt).append(">\r\n");
        }
        List<String> lines = send(script.append("DATA\r\n").toString());
        if (!lines.get(lines.size() - 1).startsWith("354 ")) {
            throw new AssertionError("transaction did not reach DATA: " + lines);
        }
    }

    /** Reply lines of writes not yet returned. */
    List<String> newLines() {
        List<byte[]> fresh = newWrites();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        fresh.forEach(joined::writeBytes);
        return lines(joined.toByteArray());
    }

    /** Writes not yet returned, each as the session sent it. */
    List<byte[]> newWrites() {
        List<byte[]> fresh = new ArrayList<>(channel.writes.subList(seen, channel.writes.size()));
        seen = channel.writes.size();
        return fresh;
    }

    /** Every reply line of the session, the greeting first. */
    List<String> allLines() {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        channel.writes.forEach(joined::writeBytes);
        return lines(joined.toByteArray());
    }

    static List<String> lines(byte[] wire) {
        String text = new String(wire, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\r\n")) {
            throw new AssertionError("a write does not end in CRLF: " + text);
        }
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = Arrays.asList(text.split("\r\n", -1));
        return lines.subList(0, lines.size() - 1);
    }

    /** The only committed envelope. */
    Envelope onlyCommitted() {
        if (store.committed.size() != 1) {
            throw new AssertionError("expected one committed message, got " + store.committed);
        }
        return store.committed.get(0);
    }

    /** The stored bytes of the only committed message. */
    String storedText() {
        return new String(store.body(onlyCommitted()), StandardCharsets.UTF_8);
    }

    /** The stored bytes after the Received header (which ends at the first CRLF not followed by a tab). */
    String storedBody() {
        String all = storedText();
        return all.substring(receivedHeaderLength(all));
    }

    /** Length of the leading Received header: up to the first CRLF that is not followed by a tab. */
    static int receivedHeaderLength(String message) {
        if (!message.startsWith("Received: ")) {
            throw new AssertionError("no Received header first: " + message);
        }
        int i = message.indexOf("\r\n");
        while (i >= 0 && i + 2 < message.length() && message.charAt(i + 2) == '\t') {
            i = message.indexOf("\r\n", i + 2);
        }
        if (i < 0) {
            throw new AssertionError("unterminated Received header: " + message);
        }
        return i + 2;
    }

    /** The 250 sent once a message is committed. */
    static String queuedReply(MessageId id) {
        return "250 2.0.0 Ok: queued as " + id;
    }
}
