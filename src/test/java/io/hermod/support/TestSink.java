package io.hermod.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The next hop for delivery tests: a real SMTP server on loopback whose answers are chosen by
 * the recipient's local part, as KumoMTA's sink does: {@code tempfail-*} 451 (until
 * {@link #acceptTempfails}), {@code reject-*} 550, {@code tss04-*} Yahoo's 421 volume deferral
 * (then the connection closes), {@code slow-*} answers RCPT after
 * {@link #SLOW_MILLIS}, {@code disconnect-*} drops the connection after the message content.
 * It counts connections and transactions and keeps every read, so tests can see pipelining.
 * With {@link #startTls} it offers STARTTLS (RFC 3207) with a self-signed certificate for
 * {@code localhost} and 127.0.0.1 ({@link #certificate()}), or breaks or refuses the handshake, and
 * records for each message whether it came over TLS and with which protocol.
 */
public final class TestSink implements AutoCloseable {

    public static final long SLOW_MILLIS = 300;

    /**
     * One received message; {@code tls} is the protocol ({@code TLSv1.3}) it came over, null in plain
     * text; {@code clientAddress} the address the connection came from, {@code ehlo} the name it gave,
     * {@code atNanos} the {@link System#nanoTime} of the end of its data.
     */
    public record Received(String from, List<String> recipients, byte[] data, int connection, String tls,
                           String clientAddress, String ehlo, long atNanos) {
        public Received(String from, List<String> recipients, byte[] data, int connection) {
            this(from, recipients, data, connection, null, null, null, System.nanoTime());
        }

        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        public boolean overTls() {
            return tls != null;
        }
    }

    public enum Greeting { OK, TEMPFAIL_421 }

    /** What the sink does about STARTTLS. */
    public enum StartTls {
        /** Not offered (the default). */
        NONE,
        /** Offered; the handshake uses {@link #certificate()}. */
        OFFER,
        /** Offered and answered 220, then bytes that are not TLS, then the connection is closed. */
        BROKEN,
        /** Offered, but the command is answered {@code 454 4.7.0}. */
        REFUSE
    }

    /** A self-signed certificate for CN=localhost with SANs localhost and 127.0.0.1, in PEM files. */
    public record Certificate(Path key, Path cert) {
    }

    private static Certificate certificate;

    private final Vertx vertx;
    private final boolean pipelining;
    private final NetServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> reads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private volatile boolean acceptTempfails;
    private volatile Greeting greeting = Greeting.OK;
    /** How long the sink takes to close a connection after its 221 to QUIT (0: at once). */
    private volatile long closeAfterQuitMillis;
    private volatile boolean closeAfterEachMessage;
    private volatile StartTls startTls = StartTls.NONE;
    private volatile Certificate tlsCertificate;

    private TestSink(Vertx vertx, boolean pipelining) {
        this.vertx = vertx;
        this.pipelining = pipelining;
        this.server = vertx.createNetServer().connectHandler(this::session);
    }

    public static TestSink start(boolean pipelining) throws Exception {
        return start(pipelining, 0);
    }

    public static TestSink start(boolean pipelining, int port) throws Exception {
        TestSink sink = new TestSink(Vertx.vertx(), pipelining);
        sink.server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return sink;
    }

    public int port() {
        return server.actualPort();
    }

    public void acceptTempfails(boolean accept) {
        acceptTempfails = accept;
    }

    /** The sink closes each connection right after its 250 to a message, reading nothing more. */
    public void closeAfterEachMessage(boolean close) {
        this.closeAfterEachMessage = close;
    }

    /** The sink closes a connection only {@code millis} after its 221, as a busy server may. */
    public void closeAfterQuit(long millis) {
        this.closeAfterQuitMillis = millis;
    }

    public void greeting(Greeting greeting) {
        this.greeting = greeting;
    }

    /** Offers STARTTLS (or breaks or refuses it) from the next EHLO on. */
    public void startTls(StartTls mode) throws IOException, InterruptedException {
        if (mode != StartTls.NONE && tlsCertificate == null) {
            tlsCertificate = certificate(); // made before a session needs it, off the event loop
        }
        this.startTls = mode;
    }

    /**
     * The sink's certificate, made once per test JVM with {@code openssl req -x509} (valid one day),
     * for clients that want to trust it.
     */
    public static synchronized Certificate certificate() throws IOException, InterruptedException {
        if (certificate == null) {
            Path dir = Files.createTempDirectory("sink-tls");
            Path key = dir.resolve("k.pem");
            Path cert = dir.resolve("c.pem");
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
                    "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl req failed: " + output);
            }
            key.toFile().deleteOnExit();
            cert.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            certificate = new Certificate(key, cert);
        }
        return certificate;
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Recipients received so far, one entry per delivered copy. */
    public List<String> deliveredRecipients() {
        List<String> all = new ArrayList<>();
        for (Received r : received()) {
            all.addAll(r.recipients());
        }
        return all;
    }

    /** Every read of every connection, in order, as text. */
    public List<List<String>> reads() {
        synchronized (reads) {
            List<List<String>> copy = new ArrayList<>();
            for (List<String> r : reads) {
                synchronized (r) {
                    copy.add(List.copyOf(r));
                }
            }
            return copy;
        }
    }

    public int connections() {
        return connections.get();
    }

    private final java.util.Set<NetSocket> uncounted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public int maxConcurrentConnections() {
        return maxOpen.get();
    }

    /**
     * Closes a connection and stops counting it at once: a client that sees the close may connect
     * again before this side's close handler has run, and that is no connection too many.
     */
    private void closeSocket(NetSocket socket) {
        uncount(socket);
        socket.close();
    }

    private void uncount(NetSocket socket) {
        if (uncounted.add(socket)) {
            open.decrementAndGet();
        }
    }

    private void session(NetSocket socket) {
        int id = connections.incrementAndGet();
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        List<String> myReads = Collections.synchronizedList(new ArrayList<>());
        reads.add(myReads);
        socket.closeHandler(v -> uncount(socket));
        if (greeting == Greeting.TEMPFAIL_421) {
            socket.write("421 4.3.2 sink.test not accepting mail\r\n").onComplete(v -> closeSocket(socket));
            return;
        }
        new Conversation(socket, id, myReads).start();
    }

    /** One connection's state; runs on the sink's event loop. */
    private final class Conversation {
        private final NetSocket socket;
        private final int id;
        private final List<String> myReads;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final StringBuilder out = new StringBuilder();
        private boolean inData;
        private boolean delayed;
        private String from;
        private final List<String> rcpts = new ArrayList<>();
        private boolean disconnect;
        /** The TLS protocol once STARTTLS has succeeded. */
        private String tls;
        private String ehlo;

        Conversation(NetSocket socket, int id, List<String> myReads) {
            this.socket = socket;
            this.id = id;
            this.myReads = myReads;
        }

        void start() {
            socket.handler(this::onRead);
            socket.write("220 sink.test ESMTP test sink\r\n");
        }

        private void onRead(Buffer buffer) {
            myReads.add(buffer.toString(StandardCharsets.ISO_8859_1));
            pending.writeBytes(buffer.getBytes());
            process();
        }

        private void process() {
            while (!delayed) {
                byte[] bytes = pending.toByteArray();
                if (inData) {
                    int end = indexOf(bytes, "\r\n.\r\n");
                    int start = bytes.length >= 3 && bytes[0] == '.' && bytes[1] == '\r' && bytes[2] == '\n' ? 0 : -1;
                    if (start == 0) {
                        finishData(new byte[0], 3, bytes);
                    } else if (end >= 0) {
                        finishData(java.util.Arrays.copyOfRange(bytes, 0, end + 2), end + 5, bytes);
                    } else {
                        break;
                    }
                    continue;
                }
                int lf = indexOf(bytes, "\r\n");
                if (lf < 0) {
                    break;
                }
                String line = new String(bytes, 0, lf, StandardCharsets.UTF_8);
                keep(bytes, lf + 2);
                command(line);
            }
            flush();
        }

        private void keep(byte[] bytes, int from) {
            pending.reset();
            pending.write(bytes, from, bytes.length - from);
        }

        private void finishData(byte[] stuffed, int consumed, byte[] bytes) {
            keep(bytes, consumed);
            inData = false;
            if (disconnect) {
                flush();
                closeSocket(socket);
                delayed = true;
                return;
            }
            received.add(new Received(from, List.copyOf(rcpts), unstuff(stuffed), id, tls,
                    socket.remoteAddress().hostAddress(), ehlo, System.nanoTime()));
            reply("250 2.0.0 Ok: queued as S" + received.size());
            from = null;
            rcpts.clear();
            if (closeAfterEachMessage) {
                flush();
                closeSocket(socket);
                delayed = true;
            }
        }

        private void command(String line) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                ehlo = line.length() > 5 ? line.substring(5).strip() : "";
            }
            if (upper.startsWith("EHLO")) {
                String tlsOffer = startTls != StartTls.NONE && tls == null ? "250-STARTTLS\r\n" : "";
                reply(pipelining ? "250-sink.test\r\n" + tlsOffer + "250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000"
                        : "250-sink.test\r\n" + tlsOffer + "250-8BITMIME\r\n250 SIZE 100000000");
            } else if (upper.equals("STARTTLS") && startTls != StartTls.NONE) {
                beginTls();
            } else if (upper.startsWith("HELO")) {
                reply("250 sink.test");
            } else if (upper.startsWith("MAIL FROM:")) {
                from = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                rcpts.clear();
                disconnect = false;
                reply("250 2.1.0 Ok");
            } else if (upper.startsWith("RCPT TO:")) {
                rcpt(line.substring(line.indexOf('<') + 1, line.indexOf('>')));
            } else if (upper.equals("DATA")) {
                if (from == null || rcpts.isEmpty()) {
                    reply("554 5.5.1 Error: no valid recipients");
                } else {
                    inData = true;
                    reply("354 End data with <CR><LF>.<CR><LF>");
                }
            } else if (upper.equals("RSET")) {
                from = null;
                rcpts.clear();
                reply("250 2.0.0 Ok");
            } else if (upper.equals("QUIT")) {
                reply("221 2.0.0 Bye");
                flush();
                long closeAfter = closeAfterQuitMillis;
                if (closeAfter > 0) {
                    vertx.setTimer(closeAfter, id -> closeSocket(socket));
                } else {
                    closeSocket(socket);
                }
                delayed = true;
            } else if (upper.equals("NOOP")) {
                reply("250 2.0.0 Ok");
            } else {
                reply("502 5.5.2 Error: command not recognized");
            }
        }

        /** RFC 3207: 220, the handshake, and a fresh session; what the client sent after STARTTLS in plain text is dropped. */
        private void beginTls() {
            if (tls != null) {
                reply("554 5.5.1 Error: TLS already active");
                return;
            }
            if (startTls == StartTls.REFUSE) {
                reply("454 4.7.0 TLS not available due to temporary reason");
                return;
            }
            flush();
            delayed = true;
            pending.reset();
            if (startTls == StartTls.BROKEN) {
                socket.write("220 2.0.0 Ready to start TLS\r\n");
                vertx.setTimer(50, t -> socket.write("this is not a TLS record\r\n").onComplete(v -> closeSocket(socket)));
                return;
            }
            ServerSSLOptions options = new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                    .setKeyPath(tlsCertificate.key().toString()).setCertPath(tlsCertificate.cert().toString()));
            socket.upgradeToSsl(options, Buffer.buffer("220 2.0.0 Ready to start TLS\r\n")).onComplete(ar -> {
                if (ar.failed()) {
                    closeSocket(socket);
                    return;
                }
                tls = socket.sslSession().getProtocol();
                from = null;
                rcpts.clear();
                pending.reset();
                delayed = false;
                process();
            });
        }

        private void rcpt(String address) {
            String local = address.substring(0, Math.max(0, address.indexOf('@')));
            if (local.startsWith("tempfail-") && !acceptTempfails) {
                reply("451 4.3.0 try again later");
            } else if (local.startsWith("tss04-")) {
                // Yahoo's volume deferral; the server closes the connection after it.
                reply("421 4.7.0 [TSS04] Messages from " + socket.remoteAddress().hostAddress()
                        + " temporarily deferred due to unexpected volume or user complaints - 4.16.55.1");
                flush();
                closeSocket(socket);
                delayed = true;
            } else if (local.startsWith("reject-")) {
                reply("550 5.1.1 no such user");
            } else if (local.startsWith("slow-")) {
                flush();
                delayed = true;
                rcpts.add(address);
                vertx.setTimer(SLOW_MILLIS, t -> {
                    delayed = false;
                    reply("250 2.1.5 Ok");
                    process();
                });
            } else {
                if (local.startsWith("disconnect-")) {
                    disconnect = true;
                }
                rcpts.add(address);
                reply("250 2.1.5 Ok");
            }
        }

        private void reply(String text) {
            out.append(text).append("\r\n");
        }

        private void flush() {
            if (out.length() > 0) {
                socket.write(out.toString());
                out.setLength(0);
            }
        }
    }

    private static int indexOf(byte[] bytes, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= bytes.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (bytes[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] unstuff(byte[] stuffed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(stuffed.length);
        boolean lineStart = true;
        for (byte b : stuffed) {
            if (!(lineStart && b == '.')) {
                out.write(b);
            }
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
