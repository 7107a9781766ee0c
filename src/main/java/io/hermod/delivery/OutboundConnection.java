package io.hermod.delivery;

import io.hermod.smtp.DotStuffing;
import io.hermod.smtp.Reply;
import io.hermod.smtp.ReplyParser;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One SMTP connection to a next hop, on the event loop that opened it. Replies are matched to the
 * commands that asked for them in order, so a pipelined batch yields one reply per command; the
 * step at the head of that queue owns the timeout and names any failure.
 */
public final class OutboundConnection {

    private record Waiting(ClientStep step, Promise<Reply> promise) {
    }

    private final Vertx vertx;
    private final NetSocket socket;
    private final String peer;
    private final Destination.Candidate candidate;
    private final ClientTimeouts timeouts;
    private final DeliveryObserver observer;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final ReplyParser parser = new ReplyParser(this::onReply);
    private Capabilities capabilities = Capabilities.NONE;
    private long timer = -1;
    /** When the reply at the head of {@link #waiting} started to be awaited. */
    private long headSinceNanos;
    private final long shortestTimeoutNanos;
    private boolean closed;
    private boolean needsReset;
    private int transactions;
    private long idleSinceNanos = System.nanoTime();
    private Promise<Void> drained;
    private final Promise<Void> socketClosed = Promise.promise();

    private OutboundConnection(Vertx vertx, NetSocket socket, Destination.Candidate candidate, ClientTimeouts timeouts,
                               DeliveryObserver observer) {
        this.vertx = vertx;
        this.observer = observer;
        this.shortestTimeoutNanos = timeouts.shortest().toNanos();
        this.socket = socket;
        this.candidate = candidate;
        this.peer = candidate.toString();
        this.timeouts = timeouts;
        socket.handler(this::onBytes);
        socket.closeHandler(v -> {
            onClosed(null);
            socketClosed.tryComplete();
        });
        socket.exceptionHandler(this::onClosed);
        socket.drainHandler(v -> {
            Promise<Void> p = drained;
            drained = null;
            if (p != null) {
                p.tryComplete();
            }
        });
    }

    /**
     * Connects, reads the greeting and says EHLO (HELO if the server refuses EHLO). Fails with a
     * site failure when the server cannot be reached or does not want mail (4xx/5xx greeting, 421).
     */
    public static Future<OutboundConnection> open(Vertx vertx, NetClient client, Destination.Candidate target,
                                                  String heloName, ClientTimeouts timeouts, DeliveryObserver observer) {
        String peer = target.toString();
        return client.connect(target.port(), target.address())
                .recover(e -> Future.failedFuture(new DeliveryException(
                        "connect to " + peer + " failed: " + e.getMessage(), null, true, e)))
                .compose(socket -> {
                    OutboundConnection c = new OutboundConnection(vertx, socket, target, timeouts, observer);
                    return c.expect(ClientStep.GREETING)
                            .compose(greeting -> c.require(greeting, ClientStep.GREETING, 220))
                            .compose(v -> c.hello(heloName))
                            .map(v -> c)
                            .onFailure(e -> c.close());
                });
    }

    private Future<Void> hello(String heloName) {
        return command("EHLO " + heloName, ClientStep.EHLO).compose(ehlo -> {
            if (ehlo.code() == 250) {
                capabilities = Capabilities.of(ehlo);
                return Future.succeededFuture();
            }
            if (ehlo.code() == 421 || ehlo.isTransient()) {
                return Future.failedFuture(failure(ClientStep.EHLO, ehlo, true));
            }
            return command("HELO " + heloName, ClientStep.HELO)
                    .compose(helo -> require(helo, ClientStep.HELO, 250));
        });
    }

    private Future<Void> require(Reply reply, ClientStep step, int code) {
        if (reply.code() == code) {
            return Future.succeededFuture();
        }
        return Future.failedFuture(failure(step, reply, true));
    }

    private DeliveryException failure(ClientStep step, Reply reply, boolean site) {
        return new DeliveryException(peer + " said " + reply + " while " + step.where(), reply, site, null);
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /** The host this connection went to. */
    public Destination.Candidate candidate() {
        return candidate;
    }

    public String peer() {
        return peer;
    }

    /** Completes when the TCP connection is gone, whoever closed it. */
    public Future<Void> whenClosed() {
        return socketClosed.future();
    }

    public boolean isOpen() {
        return !closed;
    }

    public int transactions() {
        return transactions;
    }

    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Sends one message to {@code indexes} of the envelope's recipients and classifies every reply.
     * Never fails: a broken conversation is a result too, with every open recipient deferred.
     */
    public Future<TransactionResult> send(Envelope envelope, List<Integer> indexes, BodySource body) {
        transactions++;
        long start = System.nanoTime();
        Future<Void> ready = needsReset ? reset() : Future.succeededFuture();
        return ready.compose(v -> new Transaction(this, envelope, indexes, body).run())
                .otherwise(e -> brokenTransaction(indexes, e))
                .onComplete(r -> {
                    idleSinceNanos = System.nanoTime();
                    observer.transaction(idleSinceNanos - start);
                });
    }

    private TransactionResult brokenTransaction(List<Integer> indexes, Throwable e) {
        close();
        boolean site = e instanceof DeliveryException d && d.siteFailure();
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (int index : indexes) {
            outcomes.add(new RecipientOutcome(index, RecipientOutcome.Result.DEFERRED, e.getMessage()));
        }
        return new TransactionResult(outcomes, false, site, candidate);
    }

    private Future<Void> reset() {
        return command("RSET", ClientStep.RSET).compose(r -> {
            needsReset = false;
            return r.code() == 250 ? Future.succeededFuture() : Future.failedFuture(failure(ClientStep.RSET, r, r.code() == 421));
        });
    }

    /** Marks the server's transaction state as needing RSET before the next MAIL. */
    void transactionAborted() {
        needsReset = true;
    }

    Future<Reply> command(String line, ClientStep step) {
        Future<Reply> reply = expect(step);
        write(line + "\r\n");
        return reply;
    }

    void write(String commands) {
        write(Buffer.buffer(commands.getBytes(StandardCharsets.UTF_8)));
    }

    void write(Buffer bytes) {
        if (!closed) {
            socket.write(bytes);
        }
    }

    /** Writes a body chunk, completing when the socket can take more. */
    Future<Void> writeBody(byte[] chunk, boolean last, boolean atLineStart, boolean[] lineStartOut) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length + chunk.length / 32 + 8);
        boolean lineStart = DotStuffing.stuff(chunk, 0, chunk.length, atLineStart, out);
        if (last) {
            DotStuffing.terminate(lineStart, out);
        }
        lineStartOut[0] = lineStart;
        write(Buffer.buffer(out.toByteArray()));
        if (closed) {
            return Future.failedFuture(lost(ClientStep.MESSAGE, null));
        }
        if (!socket.writeQueueFull()) {
            return Future.succeededFuture();
        }
        drained = Promise.promise();
        Future<Void> wait = drained.future();
        long t = vertx.setTimer(timeouts.of(ClientStep.MESSAGE).toMillis(), id -> {
            if (drained != null) {
                drained.tryFail(new DeliveryException("timeout with " + peer + " while " + ClientStep.MESSAGE.where(),
                        null, false, null));
                close(); // a server that stopped reading will not answer the end of data either
            }
        });
        return wait.onComplete(r -> vertx.cancelTimer(t));
    }

    Future<Reply> expect(ClientStep step) {
        Promise<Reply> promise = Promise.promise();
        if (closed) {
            promise.fail(lost(step, null));
            return promise.future();
        }
        waiting.add(new Waiting(step, promise));
        if (waiting.size() == 1) {
            headSinceNanos = System.nanoTime();
            armTimer(timeouts.of(step).toNanos());
        }
        return promise.future();
    }

    /**
     * One timer per connection, not one per command: it is set when a reply starts to be awaited
     * and nothing is armed, and when it fires it checks the reply awaited now, arming itself again
     * for that reply's remaining time. Replies that come in time cost no timer operation.
     */
    private void armTimer(long delayNanos) {
        if (timer >= 0 || closed) {
            return;
        }
        // Never sleep longer than the shortest step timeout: a later, shorter step is then still
        // caught close to its own deadline without re-arming the timer for every command.
        long delay = Math.min(delayNanos, shortestTimeoutNanos);
        timer = vertx.setTimer(Math.max(1, delay / 1_000_000), id -> {
            timer = -1;
            Waiting head = waiting.peek();
            if (head == null) {
                return;
            }
            long remaining = headSinceNanos + timeouts.of(head.step()).toNanos() - System.nanoTime();
            if (remaining > 0) {
                armTimer(remaining);
                return;
            }
            failAll(new DeliveryException("timeout with " + peer + " while " + head.step().where(), null, false, null));
            close();
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void onBytes(Buffer buffer) {
        try {
            byte[] bytes = buffer.getBytes();
            parser.feed(bytes, 0, bytes.length);
        } catch (ReplyParser.ReplySyntaxException e) {
            Waiting head = waiting.peek();
            failAll(new DeliveryException("protocol error with " + peer + " while "
                    + (head == null ? "idle" : head.step().where()) + ": " + e.getMessage(), null, false, e));
            close();
        }
    }

    private void onReply(Reply reply) {
        Waiting head = waiting.poll();
        if (head == null) {
            // Unsolicited: a 421 before closing an idle connection, or a confused server.
            close();
            return;
        }
        headSinceNanos = System.nanoTime();
        observer.reply(head.step(), reply.code());
        head.promise().complete(reply);
    }

    private void onClosed(Throwable cause) {
        if (!closed) {
            closed = true;
            cancelTimer();
        }
        Waiting head = waiting.peek();
        if (head != null) {
            failAll(lost(head.step(), cause));
        }
        Promise<Void> p = drained;
        drained = null;
        if (p != null) {
            p.tryFail(lost(ClientStep.MESSAGE, cause));
        }
    }

    private DeliveryException lost(ClientStep step, Throwable cause) {
        return new DeliveryException("lost connection with " + peer + " while " + step.where(), null, false, cause);
    }

    private void failAll(DeliveryException e) {
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.promise().tryFail(e);
        }
    }

    /** Says QUIT and closes once the server answers (or does not, within the QUIT timeout). */
    public void quit() {
        if (closed) {
            return;
        }
        command("QUIT", ClientStep.QUIT).onComplete(r -> close());
    }

    public void close() {
        if (!closed) {
            closed = true;
            cancelTimer();
            socket.close();
        }
    }

    static String mailFrom(Envelope envelope, Capabilities caps) {
        StringBuilder sb = new StringBuilder(64).append("MAIL FROM:<").append(envelope.sender()).append('>');
        if (caps.size()) {
            sb.append(" SIZE=").append(envelope.bodySize());
        }
        if (caps.eightBitMime() && envelope.eightBit()) {
            sb.append(" BODY=8BITMIME");
        }
        if (caps.smtpUtf8() && Transaction.needsSmtpUtf8(envelope)) {
            sb.append(" SMTPUTF8");
        }
        return sb.append("\r\n").toString();
    }

    static String rcptTo(Recipient recipient) {
        return "RCPT TO:<" + recipient.address() + ">\r\n";
    }
}
