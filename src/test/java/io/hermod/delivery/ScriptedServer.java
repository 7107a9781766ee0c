package io.hermod.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback SMTP server whose answers a test writes: commands are answered by {@link Script}, a
 * message's content is swallowed up to the final dot and then answered by the script too. For
 * misbehaving next hops (stale replies, a 421 on a cached connection, a slow end of data).
 */
final class ScriptedServer implements AutoCloseable {

    /** Answers one line (a command, or {@code "."} for the end of a message); null sends nothing. */
    interface Script {
        String answer(Session session, String line);
    }

    /** One client connection. */
    static final class Session {
        final int number;
        final NetSocket socket;
        int messages;

        Session(int number, NetSocket socket) {
            this.number = number;
            this.socket = socket;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final AtomicInteger connections = new AtomicInteger();
    final List<String> lines = new CopyOnWriteArrayList<>();
    /** Each read as it came off the socket, after its connection's number: what the client wrote together. */
    final List<String> reads = new CopyOnWriteArrayList<>();

    ScriptedServer(Script script) throws Exception {
        server = vertx.createNetServer().connectHandler(socket -> {
            Session session = new Session(connections.incrementAndGet(), socket);
            socket.write("220 scripted.test ESMTP\r\n");
            boolean[] inData = new boolean[1];
            RecordParser parser = RecordParser.newDelimited("\r\n", record -> {
                String line = record.toString();
                if (inData[0]) {
                    if (!line.equals(".")) {
                        return;
                    }
                    inData[0] = false;
                    session.messages++;
                }
                lines.add(session.number + " " + line);
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                String answer = script.answer(session, line);
                if (answer == null) {
                    answer = standard(upper);
                }
                if (upper.equals("DATA") && answer.startsWith("354")) {
                    inData[0] = true;
                }
                if (!answer.isEmpty()) {
                    socket.write(answer);
                }
                if (upper.equals("QUIT")) {
                    socket.close();
                }
            });
            socket.handler(buffer -> {
                reads.add(session.number + " " + buffer.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
                parser.handle(buffer);
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** What a well-behaved server says. */
    static String standard(String upper) {
        if (upper.startsWith("EHLO")) {
            return "250-scripted.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
        }
        if (upper.equals("DATA")) {
            return "354 go ahead\r\n";
        }
        if (upper.equals(".")) {
            return "250 2.0.0 Ok: queued\r\n";
        }
        if (upper.equals("QUIT")) {
            return "221 2.0.0 Bye\r\n";
        }
        return upper.startsWith("RCPT") ? "250 2.1.5 Ok\r\n" : "250 2.0.0 Ok\r\n";
    }

    int port() {
        return server.actualPort();
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
