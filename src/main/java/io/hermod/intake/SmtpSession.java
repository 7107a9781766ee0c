package io.hermod.intake;

import io.hermod.queue.MessageQueue;
import io.hermod.smtp.Command;
import io.hermod.smtp.DataDecoder;
import io.hermod.smtp.Mailbox;
import io.hermod.smtp.PathArgument;
import io.hermod.smtp.PathSyntaxException;
import io.hermod.smtp.Replies;
import io.hermod.smtp.Reply;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Recipient;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One inbound SMTP connection: bytes in, replies out, accepted messages into the spool and the
 * queue. Not thread-safe: every call, and every completion it waits for, runs on the session's
 * own thread ({@link SessionChannel#executor()}).
 */
public final class SmtpSession {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;

    private static final byte[] EMPTY = new byte[0];

    private final IntakePolicy policy;
    private final IntakeObserver observer;
    private final MessageStore store;
    private final MessageQueue queue;
    private final SessionChannel channel;
    private final InetAddress client;
    private final boolean mayRelay;
    private final Clock clock;
    private final int chunkSize;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    private SessionState state = SessionState.CONNECTED;
    private String clientName = "";
    private boolean extended;
    private Transaction transaction;
    private MessageBody body;
    private DataDecoder decoder;
    private int errors;
    private long lastActivityNanos;
    private boolean connectionOpen = true;
    private boolean inputPaused;
    private boolean draining;

    private byte[] in = EMPTY;
    private int inStart;
    private int inEnd;
    private boolean discardingLongLine;

    public SmtpSession(IntakePolicy policy, MessageStore store, MessageQueue queue, SessionChannel channel,
                       InetAddress client, Clock clock, int chunkSize) {
        this(policy, store, queue, channel, client, clock, chunkSize, IntakeObserver.NONE);
    }

    public SmtpSession(IntakePolicy policy, MessageStore store, MessageQueue queue, SessionChannel channel,
                       InetAddress client, Clock clock, int chunkSize, IntakeObserver observer) {
        this.observer = observer;
        this.policy = policy;
        this.store = store;
        this.queue = queue;
        this.channel = channel;
        this.client = client;
        this.mayRelay = policy.mayRelay(client);
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.lastActivityNanos = System.nanoTime();
    }

    /** Sends the greeting. */
    public void start() {
        reply(Reply.plain(220, policy.hostname() + " ESMTP Hermod"));
        flush();
    }

    /** Feeds bytes read from the connection. */
    public void receive(byte[] data) {
        lastActivityNanos = System.nanoTime();
        if (state == SessionState.CLOSED || data.length == 0) {
            return;
        }
        append(data);
        process();
    }

    /** The connection is gone, whoever closed it. */
    public void closed() {
        connectionOpen = false;
        abandonData();
        state = SessionState.CLOSED;
    }

    /** Closes the session with 421 when it has been silent longer than {@code smtp.idle_timeout}. */
    public void checkIdle(long nowNanos) {
        if (state == SessionState.CLOSED || state == SessionState.COMMITTING) {
            return;
        }
        if (nowNanos - lastActivityNanos > policy.idleTimeout().toNanos()) {
            reply(Replies.IDLE_TIMEOUT);
            shutdown();
        }
    }

    /** Closes the session with {@code reply} (for example 421 at shutdown) unless a commit is under way. */
    /**
     * Shutdown has begun: a session between transactions gets 421 4.3.2 and is closed now; one in
     * the middle of a transaction may finish it (its 250 is sent) and is closed right after.
     */
    public void drain() {
        draining = true;
        closeIfIdleAndDraining();
    }

    private void closeIfIdleAndDraining() {
        if (draining && (state == SessionState.CONNECTED || state == SessionState.READY)) {
            reply(Replies.SHUTTING_DOWN);
            shutdown();
        }
    }

    public void terminate(Reply reply) {
        if (state == SessionState.CLOSED || state == SessionState.COMMITTING) {
            return;
        }
        reply(reply);
        shutdown();
    }

    private void append(byte[] data) {
        if (inStart == inEnd) {
            in = data;
            inStart = 0;
            inEnd = data.length;
            return;
        }
        byte[] joined = new byte[inEnd - inStart + data.length];
        System.arraycopy(in, inStart, joined, 0, inEnd - inStart);
        System.arraycopy(data, 0, joined, inEnd - inStart, data.length);
        in = joined;
        inStart = 0;
        inEnd = joined.length;
    }

    private void process() {
        while (inStart < inEnd && state != SessionState.CLOSED && state != SessionState.COMMITTING) {
            if (state == SessionState.DATA) {
                inStart += decoder.decode(in, inStart, inEnd - inStart);
                if (decoder.isDone()) {
                    endOfData();
                }
                continue;
            }
            int lf = indexOfLf(in, inStart, inEnd);
            if (lf < 0) {
                if (inEnd - inStart >= MAX_COMMAND_LINE) {
                    // No room left for a CRLF within the limit: drop what we have, answer at the LF.
                    discardingLongLine = true;
                    inStart = inEnd;
                }
                break;
            }
            boolean tooLong = discardingLongLine || lf + 1 - inStart > MAX_COMMAND_LINE;
            int lineEnd = lf > inStart && in[lf - 1] == '\r' ? lf - 1 : lf;
            String line = tooLong ? null : new String(in, inStart, lineEnd - inStart, StandardCharsets.UTF_8);
            inStart = lf + 1;
            discardingLongLine = false;
            if (tooLong) {
                reply(Replies.LINE_TOO_LONG);
            } else {
                command(Command.parse(line));
            }
            closeIfIdleAndDraining();
            if (errors >= policy.maxErrors() && state != SessionState.CLOSED) {
                reply(Replies.TOO_MANY_ERRORS);
                shutdown();
            }
        }
        if (inStart == inEnd) {
            in = EMPTY;
            inStart = 0;
            inEnd = 0;
        }
        flush();
    }

    private static int indexOfLf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void command(Command c) {
        switch (c.verb()) {
            case HELO -> hello(c, false);
            case EHLO -> hello(c, true);
            case MAIL -> mail(c);
            case RCPT -> rcpt(c);
            case DATA -> data(c);
            case RSET -> reset(c);
            case NOOP -> reply(Replies.NOOP_OK);
            case QUIT -> quit(c);
            case HELP -> reply(Replies.HELP);
            case VRFY -> reply(c.hasArgument() ? Replies.VRFY_CANNOT : Replies.SYNTAX_ARGUMENTS);
            case EXPN -> reply(Replies.EXPN_DISABLED);
            case SEND, SOML, SAML, TURN, STARTTLS, AUTH, BDAT -> reply(Replies.NOT_IMPLEMENTED);
            case UNKNOWN -> reply(Replies.SYNTAX_UNRECOGNIZED);
        }
    }

    private void hello(Command c, boolean ehlo) {
        if (!c.hasArgument()) {
            reply(Replies.HELO_REQUIRES_DOMAIN);
            return;
        }
        String name = c.argument();
        int space = name.indexOf(' ');
        clientName = space < 0 ? name : name.substring(0, space);
        extended = ehlo;
        transaction = null;
        state = SessionState.READY;
        if (!ehlo) {
            reply(Reply.plain(250, policy.hostname()));
            return;
        }
        reply(new Reply(250, null, List.of(
                policy.hostname(),
                "PIPELINING",
                "SIZE " + policy.maxMessageSize(),
                "8BITMIME",
                "ENHANCEDSTATUSCODES",
                "SMTPUTF8")));
    }

    private void mail(Command c) {
        if (state == SessionState.CONNECTED) {
            reply(Replies.NEED_HELO);
            return;
        }
        if (state != SessionState.READY) {
            reply(Replies.NESTED_MAIL);
            return;
        }
        PathArgument path;
        try {
            path = PathArgument.parseReversePath(c.argument());
        } catch (PathSyntaxException e) {
            reply(e.reply());
            return;
        }
        boolean eightBit = false;
        boolean utf8 = false;
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (!p.getValue().matches("[0-9]{1,20}")) {
                        reply(Replies.SYNTAX_ARGUMENTS);
                        return;
                    }
                    if (p.getValue().length() > 18 || Long.parseLong(p.getValue()) > policy.maxMessageSize()) {
                        reply(Replies.SIZE_EXCEEDED);
                        return;
                    }
                }
                case "BODY" -> {
                    if (p.getValue().equalsIgnoreCase("8BITMIME")) {
                        eightBit = true;
                    } else if (!p.getValue().equalsIgnoreCase("7BIT")) {
                        reply(Replies.UNKNOWN_PARAMETER);
                        return;
                    }
                }
                case "SMTPUTF8" -> {
                    if (!p.getValue().isEmpty()) {
                        reply(Replies.SYNTAX_ARGUMENTS);
                        return;
                    }
                    utf8 = true;
                }
                default -> {
                    reply(Replies.UNKNOWN_PARAMETER);
                    return;
                }
            }
        }
        Mailbox sender = path.mailbox();
        if (sender != null && !utf8 && !sender.isAscii()) {
            reply(Replies.NEEDS_SMTPUTF8);
            return;
        }
        transaction = new Transaction(sender == null ? "" : sender.toString(), eightBit, utf8);
        state = SessionState.MAIL;
        reply(Replies.SENDER_OK);
    }

    private void rcpt(Command c) {
        if (state == SessionState.CONNECTED) {
            reply(Replies.NEED_HELO);
            return;
        }
        if (state != SessionState.MAIL && state != SessionState.RCPT) {
            reply(Replies.NEED_MAIL);
            return;
        }
        Reply refusal = checkRecipient(c);
        if (refusal != null) {
            transaction.recipientRejected();
            reply(refusal);
            return;
        }
        state = SessionState.RCPT;
        reply(Replies.RECIPIENT_OK);
    }

    /** Adds the recipient to the transaction, or says why not. */
    private Reply checkRecipient(Command c) {
        PathArgument path;
        try {
            path = PathArgument.parseForwardPath(c.argument());
        } catch (PathSyntaxException e) {
            return e.reply();
        }
        if (!path.parameters().isEmpty()) {
            return Replies.UNKNOWN_PARAMETER;
        }
        if (!transaction.smtpUtf8 && !path.mailbox().isAscii()) {
            return Replies.NEEDS_SMTPUTF8;
        }
        if (!mayRelay) {
            return Replies.RELAY_DENIED;
        }
        if (transaction.recipients().size() >= policy.maxRecipients()) {
            return Replies.TOO_MANY_RECIPIENTS;
        }
        transaction.addRecipient(path.mailbox().toString());
        return null;
    }

    private void data(Command c) {
        if (c.hasArgument()) {
            reply(Replies.SYNTAX_ARGUMENTS);
            return;
        }
        switch (state) {
            case CONNECTED -> reply(Replies.NEED_HELO);
            case READY -> reply(Replies.NEED_MAIL);
            case MAIL -> reply(transaction.anyRecipientTried() ? Replies.NO_VALID_RECIPIENTS : Replies.NEED_RCPT);
            default -> startData();
        }
    }

    private void startData() {
        var id = store.newId();
        String protocol = transaction.smtpUtf8 ? "UTF8SMTP" : extended ? "ESMTP" : "SMTP";
        byte[] header = ReceivedHeader.build(clientName, client, policy.hostname(), protocol, id.toString(),
                transaction.recipients(), ZonedDateTime.now(clock));
        body = new MessageBody(store, id, policy.maxMessageSize() + header.length, chunkSize,
                channel.executor(), this::updateFlow);
        body.write(header, 0, header.length);
        decoder = new DataDecoder(body);
        state = SessionState.DATA;
        reply(Replies.START_DATA);
    }

    private void endOfData() {
        Transaction t = transaction;
        MessageBody b = body;
        transaction = null;
        body = null;
        if (b.overLimit() || decoder.sawLineTooLong()) {
            store.discard(b.id(), b.chunkCount());
            state = SessionState.READY;
            observer.refused(b.overLimit() ? "too_large" : "line_too_long");
            reply(b.overLimit() ? Replies.SIZE_EXCEEDED : Replies.LINE_LIMIT_EXCEEDED);
            updateFlow();
            return;
        }
        List<Recipient> recipients = new ArrayList<>(t.recipients().size());
        for (String address : t.recipients()) {
            recipients.add(Recipient.pending(address));
        }
        Envelope envelope = new Envelope(b.id(), t.sender, recipients, clock.millis(), b.size(), b.chunkCount(),
                t.eightBit, t.smtpUtf8, clientName, client.getHostAddress());
        byte[] last = b.takeLastChunk();
        state = SessionState.COMMITTING;
        updateFlow();
        b.chunksWritten()
                .thenCompose(v -> store.commit(envelope, last))
                .whenCompleteAsync((v, failure) -> committed(envelope, envelope.chunkCount() == 1 ? last : null, failure),
                        channel.executor());
    }

    private void committed(Envelope envelope, byte[] body, Throwable failure) {
        if (failure == null) {
            queue.enqueue(envelope, body);
            observer.accepted(envelope);
        } else {
            store.discard(envelope.id(), envelope.chunkCount());
            observer.refused("spool_error");
        }
        if (!connectionOpen) {
            return;
        }
        state = SessionState.READY;
        reply(failure == null ? Reply.of(250, "2.0.0", "Ok: queued as " + envelope.id()) : Replies.SPOOL_FAILED);
        closeIfIdleAndDraining();
        // Answer what arrived during the commit before reading more, so a resume that delivers new
        // bytes at once cannot re-enter receive() with this input still unprocessed.
        process();
        updateFlow();
    }

    private void reset(Command c) {
        if (c.hasArgument()) {
            reply(Replies.SYNTAX_ARGUMENTS);
            return;
        }
        transaction = null;
        if (state != SessionState.CONNECTED) {
            state = SessionState.READY;
        }
        reply(Replies.RESET_OK);
    }

    private void quit(Command c) {
        if (c.hasArgument()) {
            reply(Replies.SYNTAX_ARGUMENTS);
            return;
        }
        reply(Replies.BYE);
        shutdown();
    }

    private void abandonData() {
        if (body != null) {
            store.discard(body.id(), body.chunkCount());
            body = null;
        }
    }

    private void shutdown() {
        abandonData();
        transaction = null;
        state = SessionState.CLOSED;
        flush();
        channel.close();
    }

    private void updateFlow() {
        boolean pause = state == SessionState.COMMITTING || (body != null && body.saturated());
        if (pause != inputPaused && connectionOpen && state != SessionState.CLOSED) {
            inputPaused = pause;
            if (pause) {
                channel.pauseInput();
            } else {
                channel.resumeInput();
            }
        }
    }

    private void reply(Reply reply) {
        observer.reply(reply.code());
        if (reply.code() >= 500) {
            errors++;
        }
        out.writeBytes(reply.toBytes());
    }

    private void flush() {
        if (out.size() > 0 && connectionOpen) {
            channel.send(out.toByteArray());
        }
        out.reset();
    }
}
