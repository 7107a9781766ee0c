package io.hermod.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * SMTP load: {@code concurrency} connections, each sending message after message (as smtp-source
 * does with reused sessions) until the messages or the time run out. With pipelining MAIL, every
 * RCPT and DATA go out in one write; without it, one command per round trip. The latency measured
 * is from the end of the data to its reply: what a client waits for the message to become durable.
 */
final class SmtpLoad {

    /** What to send. {@code messages} 0 means: until {@code deadlineNanos}. */
    record Plan(String host, int port, int concurrency, long messages, long deadlineNanos, int size, int recipients,
                Recipients to, boolean pipelining, String sender) {
    }

    /** Picks recipient addresses (weighted domains). */
    interface Recipients {
        String next();
    }

    private final Vertx vertx;
    private final Plan plan;
    private final LoadStats stats;
    private final AtomicLong tickets;
    private final Buffer body;
    private final AtomicLong sequence = new AtomicLong();

    SmtpLoad(Vertx vertx, Plan plan, LoadStats stats) {
        this.vertx = vertx;
        this.plan = plan;
        this.stats = stats;
        this.tickets = new AtomicLong(plan.messages() == 0 ? Long.MAX_VALUE : plan.messages());
        this.body = body(plan.size());
    }

    /** Completes when every connection has finished. */
    Future<Void> run() {
        NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
        List<Future<Void>> connections = new ArrayList<>();
        for (int i = 0; i < plan.concurrency(); i++) {
            Promise<Void> done = Promise.promise();
            connections.add(done.future());
            // Connect from the event loop the socket will live on: a callback registered from this
            // (non-Vert.x) thread after the connection completed would run here, racing the loop
            // that reads the greeting.
            vertx.runOnContext(v -> client.connect(plan.port(), plan.host()).onComplete(r -> {
                if (r.failed()) {
                    stats.error("connect to " + plan.host() + ":" + plan.port() + ": " + r.cause().getMessage());
                    done.complete();
                } else {
                    new Connection(r.result(), done).start();
                }
            }));
        }
        return Future.join(connections).eventually(() -> client.close()).mapEmpty();
    }

    private boolean takeTicket() {
        if (plan.messages() == 0) {
            return System.nanoTime() < plan.deadlineNanos();
        }
        return tickets.getAndDecrement() > 0;
    }

    /** One session: the greeting, EHLO, then transactions until out of tickets, then QUIT. */
    private final class Connection {
        private final NetSocket socket;
        private final Promise<Void> done;
        private final ArrayDeque<Consumer<Integer>> waiting = new ArrayDeque<>();
        private boolean finished;

        Connection(NetSocket socket, Promise<Void> done) {
            this.socket = socket;
            this.done = done;
        }

        void start() {
            RecordParser lines = RecordParser.newDelimited("\n", this::line).maxRecordSize(64 * 1024);
            lines.exceptionHandler(e -> fail("reply line too long"));
            // The greeting's handler first: setting the socket's handler delivers at once what was
            // read before it, and a greeting with no one waiting for it would hang the connection.
            expect(code -> {
                if (code != 220) {
                    stats.reply("greeting", code);
                    fail("greeting " + code);
                    return;
                }
                socket.write("EHLO bench.hermod.test\r\n");
                expect(ehlo -> {
                    if (ehlo != 250) {
                        stats.reply("ehlo", ehlo);
                        fail("EHLO answered " + ehlo);
                    } else {
                        next();
                    }
                });
            });
            socket.exceptionHandler(e -> fail(e.getMessage()));
            socket.closeHandler(v -> fail("connection closed by the server"));
            socket.handler(lines);
        }

        private void line(Buffer line) {
            int n = line.length();
            if (n < 4 || line.getByte(3) == '-') {
                return; // a continuation line (or junk): the last line carries the code
            }
            int code = (line.getByte(0) - '0') * 100 + (line.getByte(1) - '0') * 10 + (line.getByte(2) - '0');
            Consumer<Integer> handler = waiting.poll();
            if (handler != null) {
                handler.accept(code);
            }
        }

        private void expect(Consumer<Integer> handler) {
            waiting.add(handler);
        }

        private void next() {
            if (finished) {
                return;
            }
            if (!takeTicket()) {
                finished = true;
                socket.write("QUIT\r\n");
                socket.closeHandler(null);
                expect(code -> socket.close());
                vertx.setTimer(2000, t -> socket.close());
                done.tryComplete();
                return;
            }
            List<String> recipients = new ArrayList<>(plan.recipients());
            for (int i = 0; i < plan.recipients(); i++) {
                recipients.add(plan.to().next());
            }
            Transaction t = new Transaction(recipients);
            if (plan.pipelining()) {
                Buffer commands = Buffer.buffer(64 + 48 * recipients.size());
                commands.appendString("MAIL FROM:<" + plan.sender() + ">\r\n");
                for (String r : recipients) {
                    commands.appendString("RCPT TO:<" + r + ">\r\n");
                }
                commands.appendString("DATA\r\n");
                socket.write(commands);
                expect(t::mail);
                for (int i = 0; i < recipients.size(); i++) {
                    expect(t::rcpt);
                }
                expect(t::data);
            } else {
                socket.write("MAIL FROM:<" + plan.sender() + ">\r\n");
                expect(code -> {
                    t.mail(code);
                    sendRcpt(t, 0);
                });
            }
        }

        private void sendRcpt(Transaction t, int index) {
            if (index == t.recipients.size()) {
                if (t.accepted == 0 || t.mailCode != 250) {
                    t.abandon();
                    return;
                }
                socket.write("DATA\r\n");
                expect(t::data);
                return;
            }
            socket.write("RCPT TO:<" + t.recipients.get(index) + ">\r\n");
            expect(code -> {
                t.rcpt(code);
                sendRcpt(t, index + 1);
            });
        }

        private void fail(String why) {
            if (finished) {
                return;
            }
            finished = true;
            stats.error(why);
            socket.close();
            done.tryComplete();
        }

        /** One message on the wire; the replies arrive in command order. */
        private final class Transaction {
            final List<String> recipients;
            int mailCode;
            int accepted;

            Transaction(List<String> recipients) {
                this.recipients = recipients;
            }

            void mail(int code) {
                mailCode = code;
                stats.reply("mail", code);
            }

            void rcpt(int code) {
                stats.reply("rcpt", code);
                if (code / 100 == 2) {
                    accepted++;
                }
            }

            void data(int code) {
                stats.reply("data", code);
                if (code != 354) {
                    // Pipelined DATA after no accepted recipient gets 5xx/554: nothing to send.
                    abandon();
                    return;
                }
                long start = System.nanoTime();
                socket.write(message());
                expect(end -> {
                    stats.reply("end-of-data", end);
                    if (end / 100 == 2) {
                        stats.latency(System.nanoTime() - start);
                        stats.accepted.increment();
                        stats.acceptedRecipients.add(accepted);
                    } else {
                        stats.failed.increment();
                    }
                    next();
                });
            }

            /** A transaction without a 354 (no recipient or no sender accepted): reset and go on. */
            void abandon() {
                stats.failed.increment();
                socket.write("RSET\r\n");
                expect(code -> next());
            }

            private Buffer message() {
                long n = sequence.incrementAndGet();
                String headers = "From: <" + plan.sender() + ">\r\nTo: <" + recipients.get(0) + ">\r\n"
                        + "Subject: hermod bench " + n + "\r\nMessage-ID: <" + n + "." + System.nanoTime()
                        + "@bench.hermod.test>\r\n\r\n";
                return Buffer.buffer(headers.length() + body.length()).appendString(headers, "US-ASCII")
                        .appendBuffer(body);
            }
        }
    }

    /** Lines of x up to about {@code size} octets of message, then the end of data. */
    static Buffer body(int size) {
        StringBuilder sb = new StringBuilder(size + 80);
        String line = "x".repeat(76) + "\r\n";
        int headers = 160;
        while (sb.length() + headers < size) {
            sb.append(line);
        }
        if (sb.length() == 0) {
            sb.append("x\r\n");
        }
        sb.append(".\r\n");
        return Buffer.buffer(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
