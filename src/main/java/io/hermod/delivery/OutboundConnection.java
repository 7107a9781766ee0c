package io.hermod.delivery;

import io.hermod.smtp.DotStuffing;
import io.hermod.smtp.Reply;
import io.hermod.smtp.ReplyParser;
import io.hermod.spool.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * One SMTP connection to a next hop, on the event loop that opened it. Replies are matched to the
 * commands that asked for them in order, so a pipelined batch yields one reply per command; the
 * step at the head of that queue owns the timeout and names any failure.
 *
 * <p>A connection to a domain that requires TLS which could not get it stays "refused": it carries
 * no mail, and every message given to it is deferred with the 4.7.5 reason (see {@link StartTls}).
 */
public final class OutboundConnection {

    private static final System.Logger LOG = System.getLogger(OutboundConnection.class.getName());

    /**
     * {@code STARTING_TLS}: from the server's 220 to STARTTLS until the handshake is done, when any
     * byte that arrives is plain text injected before TLS (CVE-2011-0411 style) and ends the connection.
     */
    private enum Phase { OPEN, STARTING_TLS, QUITTING, CLOSED }

    private final Vertx vertx;
    private final NetSocket socket;
    private final String peer;
    private final Destination.Candidate candidate;
    private final ClientTimeouts timeouts;
    private final DeliveryObserver observer;
    private final AwaitedReplies waiting;
    /** Replaced after STARTTLS, so that nothing buffered in plain text is read as protected. */
    private ReplyParser parser = new ReplyParser(this::onReply);
    private Capabilities capabilities = Capabilities.NONE;
    /** The candidate, with the TLS session once there is one: what transactions report as their remote. */
    private Destination.Candidate remote;
    private Phase phase = Phase.OPEN;
    private Promise<Void> handshake;
    /** The 4.7.5 deferral every message gets, when TLS was required and could not be had. */
    private Outcome refusal;
    /** Replies that came in one read, dispatched after the read is parsed (see {@link #onBytes}). */
    private final ArrayDeque<Reply> arrived = new ArrayDeque<>();
    private boolean needsReset;
    private int transactions;
    /** Transactions sent and not yet answered in full: two while one follows another's final dot. */
    private int inFlight;
    private long idleSinceNanos = System.nanoTime();
    private Promise<Void> drained;
    private final Promise<Void> socketClosed = Promise.promise();
    /** Whether this side closed the connection (not the server, not a broken socket). */
    private boolean closedHere;

    private OutboundConnection(Vertx vertx, NetSocket socket, Destination.Candidate candidate, ClientTimeouts timeouts,
                               DeliveryObserver observer) {
        this.vertx = vertx;
        this.observer = observer;
        this.waiting = new AwaitedReplies(vertx, timeouts, this::timedOut);
        this.socket = socket;
        this.candidate = candidate;
        this.remote = candidate;
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
     * Connects, reads the greeting, says EHLO (HELO if the server refuses EHLO), then STARTTLS and
     * EHLO again as {@code tls} says. Fails with a site failure when the server cannot be reached or
     * does not want mail (4xx/5xx greeting, 421), with a {@link StartTlsException} when opportunistic
     * TLS broke the connection. When TLS is required and cannot be had it succeeds, with a
     * connection that {@link #refusal() refuses} to carry mail.
     */
    public static Future<OutboundConnection> open(Vertx vertx, NetClient client, Destination.Candidate target,
                                                  String heloName, ClientTimeouts timeouts, DeliveryObserver observer,
                                                  TlsPolicy tls) {
        String peer = target.toString();
        return connect(vertx, client, StartTls.socketAddress(target, tls), timeouts.of(ClientStep.CONNECT))
                .recover(e -> Future.failedFuture(DeliveryException.failed(Failure.CONNECT, ClientStep.CONNECT,
                        "connect to " + peer + " failed: " + e.getMessage(), true, e)))
                .compose(socket -> {
                    OutboundConnection c = new OutboundConnection(vertx, socket, target, timeouts, observer);
                    return c.expect(ClientStep.GREETING)
                            .compose(greeting -> c.require(greeting, ClientStep.GREETING, 220))
                            .compose(v -> c.hello(heloName))
                            .compose(v -> new StartTls(c, tls, heloName).negotiate())
                            .map(v -> c)
                            .onFailure(e -> c.close());
                });
    }

    /**
     * Connects within {@code timeout} (shaping's {@code connect_timeout}, which may be shorter than the
     * client's own): a socket that arrives later is closed. The client's options are kept, so that
     * a later STARTTLS upgrade has its TLS settings.
     */
    private static Future<NetSocket> connect(Vertx vertx, NetClient client, SocketAddress address, Duration timeout) {
        Promise<NetSocket> result = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> result.tryFail(
                new java.net.ConnectException("no connection within " + timeout.toMillis() + " ms")));
        client.connect(address).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                if (!result.tryComplete(ar.result())) {
                    ar.result().close();
                }
            } else {
                result.tryFail(ar.cause());
            }
        });
        return result.future();
    }

    Future<Void> hello(String heloName) {
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

    DeliveryException failure(ClientStep step, Reply reply, boolean site) {
        return DeliveryException.answered(peer + " said " + reply + " while " + step.where(), step, reply, site);
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /** The host this connection went to. */
    public Destination.Candidate candidate() {
        return candidate;
    }

    /** The host this connection went to, with its TLS session once there is one. */
    Destination.Candidate remote() {
        return remote;
    }

    /** {@code TLSv1.3 TLS_AES_256_GCM_SHA384} once STARTTLS succeeded, null in plain text. */
    public String tls() {
        return remote.tls();
    }

    /** The 4.7.5 deferral this connection gives every message instead of sending it, or null. */
    public Outcome refusal() {
        return refusal;
    }

    public String peer() {
        return peer;
    }

    /** Completes when the TCP connection is gone, whoever closed it. */
    public Future<Void> whenClosed() {
        return socketClosed.future();
    }

    /** Open and usable for mail: not refused, not saying QUIT, not closed, no stray reply seen. */
    public boolean isOpen() {
        return phase == Phase.OPEN && refusal == null;
    }

    /** Whether this connection carried a message before: a reply to its first command may be a stale close. */
    boolean reused() {
        return transactions > 1;
    }

    public int transactions() {
        return transactions;
    }

    /** Transactions whose results are still to come; more than one when one was sent behind another. */
    public int inFlight() {
        return inFlight;
    }

    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Sends one message to {@code indexes} of the envelope's recipients and classifies every reply.
     * Never fails: a broken conversation is a result too, with every open recipient deferred.
     */
    public Future<TransactionResult> send(Envelope envelope, List<Integer> indexes, BodySource body,
                                          int maxRecipients) {
        return send(envelope, indexes, body, maxRecipients, ReturnPath.ENVELOPE);
    }

    /** As {@link #send(Envelope, List, BodySource, int)}, with MAIL FROM chosen by {@code returnPath}. */
    public Future<TransactionResult> send(Envelope envelope, List<Integer> indexes, BodySource body,
                                          int maxRecipients, ReturnPath returnPath) {
        return send(envelope, indexes, body, maxRecipients, returnPath, null);
    }

    /**
     * As {@link #send(Envelope, List, BodySource, int, ReturnPath)}; {@code next}, when not null, is
     * run once this message's final dot is written, if the server offers PIPELINING and the
     * connection stands. A message sent from it goes out behind the dot, in the same write (RFC
     * 2920 3.1: the content may be the first "command" of a group), saving a round trip per message.
     * Its replies follow the end-of-data reply in order; if the connection ends before its MAIL
     * was answered, its recipients come back {@link Outcome.Unsent}, to go out again at once.
     */
    public Future<TransactionResult> send(Envelope envelope, List<Integer> indexes, BodySource body,
                                          int maxRecipients, ReturnPath returnPath, Runnable next) {
        transactions++;
        if (refusal != null) {
            return refused(indexes);
        }
        long start = System.nanoTime();
        boolean behind = inFlight > 0;
        inFlight++;
        Future<Void> ready = needsReset ? reset() : Future.succeededFuture();
        return ready.compose(v -> new Transaction(this, envelope, indexes, body, maxRecipients, returnPath, next).run())
                .otherwise(e -> brokenTransaction(indexes, e, behind))
                .onComplete(r -> {
                    inFlight--;
                    idleSinceNanos = System.nanoTime();
                    observer.transaction(idleSinceNanos - start);
                });
    }

    /** After a message's final dot, with its end-of-data reply not yet in: runs {@code next} if another may follow. */
    void bodySent(Runnable next) {
        if (next != null && phase == Phase.OPEN && refusal == null && capabilities.pipelining()) {
            try {
                next.run();
            } catch (RuntimeException e) {
                // The message whose dot this is stays unaffected: its end-of-data reply decides it.
                LOG.log(System.Logger.Level.WARNING, "delivery: " + peer
                        + ": the next message could not be sent behind the final dot", e);
            }
        }
    }

    private TransactionResult brokenTransaction(List<Integer> indexes, Throwable e, boolean behind) {
        boolean endedHere = closedHere;
        close();
        Outcome outcome = DeliveryException.outcomeOf(e, ClientStep.MAIL);
        if (reused() && outcome instanceof Outcome.Answered a && a.code() == 421 && a.step() == ClientStep.RSET) {
            return TransactionResult.all(indexes, closedWhileIdle(a.reply()), false, remote);
        }
        if (behind && outcome instanceof Outcome.Failed f
                && (f.step() == ClientStep.END_OF_DATA || endedHere && f.failure() == Failure.LOST_CONNECTION)) {
            // Sent behind another message's final dot, and the connection ended over that message:
            // no reply to its dot (a timeout, a broken reply), or this side closed on its 421. This
            // one was never tried. A server that drops the connection on this message's own MAIL
            // has seen it: that is an ordinary lost connection, so that such a message cannot come
            // back unsent for ever.
            return TransactionResult.all(indexes, new Outcome.Unsent(peer + ": the connection ended before this "
                    + "message's MAIL was answered (" + f.detail() + ")"), false, remote);
        }
        boolean site = e instanceof DeliveryException d && d.siteFailure();
        return TransactionResult.all(indexes, outcome, site, remote);
    }

    /**
     * A 421 to the first command on a cached connection is most likely the server closing a
     * connection it found idle, sent before our command reached it: the connection is gone, the
     * destination is not failing, and the recipients go out again at once on another connection.
     */
    Outcome closedWhileIdle(Reply reply) {
        return new Outcome.Unsent(peer + " closed the cached connection: " + reply);
    }

    /**
     * Every recipient deferred with the refusal, not a site failure (that would back off the
     * destination with no reason recorded on the message). Completed on a later turn of the event
     * loop, so that a queue handing many messages to a refused connection never recurses.
     */
    private Future<TransactionResult> refused(List<Integer> indexes) {
        TransactionResult result = TransactionResult.all(indexes, refusal, false, remote);
        Promise<TransactionResult> later = Promise.promise();
        vertx.runOnContext(v -> later.complete(result));
        return later.future();
    }

    /**
     * After the server's 220 to STARTTLS: the TLS handshake, then a clean slate: the reply parser
     * and the capabilities from before TLS are dropped (RFC 3207 4.2). {@code serverName} is sent as
     * SNI and, when the client verifies host names, checked against the certificate; null checks
     * the address. Fails with no reply when the handshake fails.
     */
    Future<Void> upgradeToTls(String serverName) {
        Promise<Void> done = handshake;
        if (done == null) {
            return Future.failedFuture(lost(ClientStep.STARTTLS, null));
        }
        if (phase == Phase.STARTING_TLS) { // else closed, or plain text came in: done has failed
            (serverName == null ? socket.upgradeToSsl() : socket.upgradeToSsl(serverName)).onComplete(ar -> {
                if (ar.succeeded()) {
                    done.tryComplete();
                } else {
                    done.tryFail(DeliveryException.failed(Failure.TLS, ClientStep.STARTTLS, "TLS handshake with "
                            + peer + " failed: " + ar.cause().getMessage(), false, ar.cause()));
                }
            });
        }
        return done.future().transform(ar -> {
            handshake = null;
            if (ar.failed() || phase != Phase.STARTING_TLS) {
                close();
                return Future.failedFuture(ar.failed() ? ar.cause() : lost(ClientStep.STARTTLS, null));
            }
            phase = Phase.OPEN;
            parser = new ReplyParser(this::onReply);
            capabilities = Capabilities.NONE;
            SSLSession session = socket.sslSession();
            remote = candidate.withTls(session.getProtocol() + " " + session.getCipherSuite());
            return Future.succeededFuture();
        });
    }

    /** TLS was required and could not be had: say QUIT if the session still stands, and carry no mail. */
    void refuse(Outcome deferral) {
        refusal = deferral;
        if (phase == Phase.OPEN) {
            quit();
        } else {
            close();
        }
    }

    private Future<Void> reset() {
        return command("RSET", ClientStep.RSET).compose(r -> {
            needsReset = false;
            return r.code() == 250 ? Future.succeededFuture()
                    : Future.failedFuture(failure(ClientStep.RSET, r, r.code() == 421 && !reused()));
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
        if (phase != Phase.CLOSED) {
            socket.write(bytes);
        }
    }

    /**
     * Writes a body chunk, dot-stuffed, and after the last one the terminating dot, which also
     * starts the end-of-data clock (RFC 5321 4.5.3.2.6: the 10 minutes run from the final dot).
     * Completes, with whether the next chunk starts a line, when the socket can take more.
     */
    Future<Boolean> writeBody(byte[] chunk, boolean last, boolean atLineStart) {
        // Stuffed straight into the buffer that goes to the socket: one copy of the chunk here (and
        // Netty's into a direct buffer), where a stream, its array and a buffer made three.
        Buffer stuffed = Buffer.buffer(chunk.length + chunk.length / 32 + 8);
        DotStuffing.Output out = stuffed::appendBytes;
        boolean lineStart = DotStuffing.stuff(chunk, 0, chunk.length, atLineStart, out);
        if (last) {
            DotStuffing.terminate(lineStart, out);
        }
        write(stuffed);
        if (last) {
            waiting.startClock();
        }
        if (phase == Phase.CLOSED) {
            return Future.failedFuture(lost(ClientStep.MESSAGE, null));
        }
        if (!socket.writeQueueFull()) {
            return Future.succeededFuture(lineStart);
        }
        drained = Promise.promise();
        Future<Void> wait = drained.future();
        long t = vertx.setTimer(timeouts.of(ClientStep.MESSAGE).toMillis(), id -> {
            if (drained != null) {
                drained.tryFail(DeliveryException.failed(Failure.TIMEOUT, ClientStep.MESSAGE,
                        "timeout with " + peer + " while " + ClientStep.MESSAGE.where(), false, null));
                close(); // a server that stopped reading will not answer the end of data either
            }
        });
        return wait.onComplete(r -> vertx.cancelTimer(t)).map(lineStart);
    }

    /** While the body goes out the end-of-data reply is awaited, but its clock has not started. */
    void bodyStarted() {
        waiting.holdClock(); // until writeBody's last chunk
    }

    Future<Reply> expect(ClientStep step) {
        if (phase == Phase.CLOSED) {
            return Future.failedFuture(lost(step, null));
        }
        return waiting.add(step);
    }

    private void timedOut(ClientStep step) {
        waiting.failAll(DeliveryException.failed(Failure.TIMEOUT, step,
                "timeout with " + peer + " while " + step.where(), false, null));
        close();
    }

    private void onBytes(Buffer buffer) {
        if (phase == Phase.STARTING_TLS) {
            injected();
            return;
        }
        try {
            byte[] bytes = buffer.getBytes();
            parser.feed(bytes, 0, bytes.length);
        } catch (ReplyParser.ReplySyntaxException e) {
            arrived.clear();
            ClientStep head = waiting.head();
            waiting.failAll(DeliveryException.failed(Failure.PROTOCOL, head,
                    "protocol error with " + peer + " while " + (head == null ? "idle" : head.where()) + ": "
                            + e.getMessage(), false, e));
            close();
            return;
        }
        // More replies than commands awaiting them: the server is out of step, and a surplus reply
        // must never be read as the answer to the next message's MAIL. The connection is marked
        // unusable before any reply is handed on (a completed transaction may at once start the
        // next one on this connection), and closed after.
        boolean outOfStep = arrived.size() > waiting.size() && phase != Phase.STARTING_TLS;
        if (outOfStep && phase == Phase.OPEN) {
            phase = Phase.QUITTING;
        }
        Reply reply;
        while ((reply = arrived.poll()) != null) {
            dispatch(reply);
        }
        if (outOfStep) {
            close();
        }
    }

    private void onReply(Reply reply) {
        arrived.add(reply);
    }

    private void dispatch(Reply reply) {
        if (phase == Phase.STARTING_TLS) {
            arrived.clear();
            injected(); // a reply after the 220 to STARTTLS, in the same packet
            return;
        }
        AwaitedReplies.Waiting head = waiting.poll();
        if (head == null) {
            // Unsolicited: a 421 before closing an idle connection, or a confused server.
            arrived.clear();
            close();
            return;
        }
        if (head.step() == ClientStep.STARTTLS && reply.code() == 220) {
            phase = Phase.STARTING_TLS; // from here on, plain text is not read
            handshake = Promise.promise();
        }
        observer.reply(head.step(), reply.code());
        head.promise().complete(reply);
    }

    /** Bytes between the 220 to STARTTLS and the TLS handshake: never read, and the connection ends. */
    private void injected() {
        Promise<Void> p = handshake;
        if (p != null) {
            p.tryFail(DeliveryException.failed(Failure.TLS, ClientStep.STARTTLS,
                    peer + " sent plain text after its 220 to STARTTLS", false, null));
        }
        close();
    }

    private void onClosed(Throwable cause) {
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            waiting.stop();
        }
        Promise<Void> tls = handshake;
        if (tls != null) {
            tls.tryFail(lost(ClientStep.STARTTLS, cause));
        }
        ClientStep head = waiting.head();
        if (head != null) {
            waiting.failAll(lost(head, cause));
        }
        Promise<Void> p = drained;
        drained = null;
        if (p != null) {
            p.tryFail(lost(ClientStep.MESSAGE, cause));
        }
    }

    private DeliveryException lost(ClientStep step, Throwable cause) {
        return DeliveryException.failed(Failure.LOST_CONNECTION, step,
                "lost connection with " + peer + " while " + step.where(), false, cause);
    }

    /**
     * Says QUIT and, once the server answers, lets it close the connection (RFC 5321 4.1.1.10: it
     * closes after its reply), closing it here only after {@link #QUIT_LINGER}. Until the server
     * has closed, the connection still counts against the site's connection limit: a replacement
     * opened on the 221 alone was, for a moment, one connection too many at the server.
     */
    public void quit() {
        if (phase != Phase.OPEN) {
            if (phase == Phase.STARTING_TLS) {
                close();
            }
            return;
        }
        phase = Phase.QUITTING;
        command("QUIT", ClientStep.QUIT).onComplete(r -> {
            if (r.failed() || phase == Phase.CLOSED) {
                close();
                return;
            }
            long timer = vertx.setTimer(QUIT_LINGER.toMillis(), id -> close());
            whenClosed().onComplete(v -> vertx.cancelTimer(timer));
        });
    }

    /** How long, after its reply to QUIT, the server has to close the connection before this side does. */
    static final Duration QUIT_LINGER = Duration.ofSeconds(2);

    public void close() {
        if (phase != Phase.CLOSED) {
            closedHere = true;
            phase = Phase.CLOSED;
            waiting.stop();
            socket.close();
        }
        Promise<Void> p = handshake;
        if (p != null) {
            p.tryFail(lost(ClientStep.STARTTLS, null));
        }
    }
}
