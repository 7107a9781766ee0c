package io.hermod.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counting SMTP next hop, as Postfix's smtp-sink: it accepts every session, answers each command
 * at once (all replies to one read go out in one write, so a pipelining client gets them together),
 * counts and discards messages. {@code tempfailRate} and {@code rejectRate} answer that share of
 * RCPTs with 451 / 550; {@code delayMillis} holds the reply to the end of data; beyond
 * {@code maxConnections} a connection gets 421 and is closed. Lines are capped at 64 KiB.
 */
final class SinkServer {

    /** What the sink does; rates are fractions 0..1. */
    record Behaviour(boolean pipelining, double tempfailRate, double rejectRate, long delayMillis, int maxConnections) {
    }

    /** Counters, read from any thread. */
    static final class Counts {
        final LongAdder connections = new LongAdder();
        final LongAdder refusedConnections = new LongAdder();
        final LongAdder messages = new LongAdder();
        final LongAdder recipients = new LongAdder();
        final LongAdder tempfailed = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder bytes = new LongAdder();
        /** System.nanoTime() of the first and the latest message; 0 before the first. */
        volatile long firstNanos;
        volatile long lastNanos;
    }

    private static final Buffer GREETING = ascii("220 hermod-sink ESMTP\r\n");
    private static final int MAX_LINE = 64 * 1024;

    private final Vertx vertx;
    private final Behaviour behaviour;
    private final Counts counts = new Counts();
    private final AtomicInteger open = new AtomicInteger();
    private final Buffer ehlo;
    private NetServer server;

    SinkServer(Vertx vertx, Behaviour behaviour) {
        this.vertx = vertx;
        this.behaviour = behaviour;
        this.ehlo = ascii("250-hermod-sink\r\n" + (behaviour.pipelining() ? "250-PIPELINING\r\n" : "")
                + "250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 0\r\n");
    }

    Counts counts() {
        return counts;
    }

    int openConnections() {
        return open.get();
    }

    /** Listens; the future gives the bound port (for port 0). */
    Future<Integer> listen(String host, int port) {
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setAcceptBacklog(1024))
                .connectHandler(this::session);
        return server.listen(port, host).map(NetServer::actualPort);
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void session(NetSocket socket) {
        if (open.incrementAndGet() > behaviour.maxConnections()) {
            open.decrementAndGet();
            counts.refusedConnections.increment();
            socket.end(ascii("421 4.7.0 too many connections\r\n"));
            return;
        }
        counts.connections.increment();
        socket.closeHandler(v -> open.decrementAndGet());
        new Session(socket).start();
    }

    /** One connection: command mode or data mode, and the replies of the current read. */
    private final class Session {
        private final NetSocket socket;
        private final RecordParser lines;
        private Buffer replies = Buffer.buffer(256);
        private boolean data;
        private int accepted;
        private long size;

        Session(NetSocket socket) {
            this.socket = socket;
            this.lines = RecordParser.newDelimited("\n", this::line).maxRecordSize(MAX_LINE);
            lines.exceptionHandler(e -> socket.close());
        }

        void start() {
            socket.write(GREETING);
            socket.handler(chunk -> {
                lines.handle(chunk);
                flush();
            });
        }

        private void flush() {
            if (replies.length() > 0) {
                socket.write(replies);
                replies = Buffer.buffer(256);
            }
        }

        private void line(Buffer line) {
            if (data) {
                int n = line.length();
                if (n >= 1 && line.getByte(0) == '.' && (n == 1 || n == 2 && line.getByte(1) == '\r')) {
                    endOfData();
                } else {
                    size += n + 1;
                }
                return;
            }
            String command = line.toString(StandardCharsets.ISO_8859_1).strip();
            String verb = (command.length() >= 4 ? command.substring(0, 4) : command).toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO" -> replies.appendBuffer(ehlo);
                case "HELO" -> reply("250 hermod-sink");
                case "MAIL" -> {
                    accepted = 0;
                    reply("250 2.1.0 ok");
                }
                case "RCPT" -> rcpt();
                case "DATA" -> {
                    if (accepted == 0) {
                        reply("554 5.5.1 no valid recipients");
                    } else {
                        data = true;
                        size = 0;
                        reply("354 go ahead");
                    }
                }
                case "RSET" -> {
                    accepted = 0;
                    reply("250 2.0.0 ok");
                }
                case "NOOP" -> reply("250 2.0.0 ok");
                case "QUIT" -> {
                    reply("221 2.0.0 bye");
                    flush();
                    socket.end();
                }
                default -> reply("502 5.5.2 command not implemented");
            }
        }

        private void rcpt() {
            double dice = ThreadLocalRandom.current().nextDouble();
            if (dice < behaviour.tempfailRate()) {
                counts.tempfailed.increment();
                reply("451 4.3.0 tempfail (sink)");
            } else if (dice < behaviour.tempfailRate() + behaviour.rejectRate()) {
                counts.rejected.increment();
                reply("550 5.1.1 rejected (sink)");
            } else {
                accepted++;
                reply("250 2.1.5 ok");
            }
        }

        private void endOfData() {
            data = false;
            int recipients = accepted;
            accepted = 0;
            long bytes = size;
            if (behaviour.delayMillis() > 0) {
                // Parse and read nothing more until the reply is out: pipelined input stays in order.
                lines.pause();
                socket.pause();
                vertx.setTimer(behaviour.delayMillis(), t -> {
                    count(recipients, bytes);
                    reply("250 2.0.0 queued");
                    flush();
                    socket.resume();
                    lines.resume();
                    flush();
                });
                return;
            }
            count(recipients, bytes);
            reply("250 2.0.0 queued");
        }

        private void count(int recipients, long bytes) {
            long now = System.nanoTime();
            if (counts.firstNanos == 0) {
                counts.firstNanos = now;
            }
            counts.lastNanos = now;
            counts.messages.increment();
            counts.recipients.add(recipients);
            counts.bytes.add(bytes);
        }

        private void reply(String text) {
            replies.appendString(text, "ISO-8859-1").appendByte((byte) '\r').appendByte((byte) '\n');
        }
    }

    private static Buffer ascii(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.US_ASCII));
    }
}
