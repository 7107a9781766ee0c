package io.hermod.intake;

import io.hermod.queue.Acceptance;
import io.hermod.queue.MessageQueue;
import io.hermod.smtp.HeaderFilter;
import io.hermod.smtp.AddressSyntax;
import io.hermod.smtp.Command;
import io.hermod.smtp.DataDecoder;
import io.hermod.smtp.Mailbox;
import io.hermod.smtp.PathArgument;
import io.hermod.smtp.PathSyntaxException;
import io.hermod.smtp.Replies;
import io.hermod.smtp.Reply;
import io.hermod.smtp.Sasl;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Recipient;
import io.hermod.spool.SpoolException;
import io.hermod.spool.Suppression;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One inbound SMTP connection: bytes in, replies out, accepted messages into the spool and the
 * queue. Not thread-safe: every call, and every completion it waits for, runs on the session's
 * own thread ({@link SessionChannel#executor()}).
 *
 * <p>STARTTLS hands the connection to the channel's TLS and starts the session over (RFC 3207
 * 4.2); AUTH runs a SASL exchange ({@link AuthExchange}) and checks the password off the event
 * loop, with input paused as during a commit. What is allowed when, given encryption, the user and
 * the listener's role, is {@link SessionSecurity}'s to say.
 *
 * <p>The message is received within the process's {@link MemoryBudget}. Before the 354 the session
 * reserves what the connection may read ahead of it while it is paused ({@link #READ_AHEAD}, less
 * when SIZE says the message is smaller or the budget is small); when that does not fit it waits, not reading, before the
 * 354 (the client sends nothing meanwhile), and after {@link #MEMORY_WAIT_NANOS} answers the DATA
 * with 451 4.3.1. While the body comes in, every buffer is reserved before it is filled: when the
 * budget cannot take the next bytes, the session hands what it has buffered to the spool, stops
 * reading and waits in line (MEMORY_WAIT); after {@link #MEMORY_WAIT_NANOS} it gives up, reads the
 * rest of the message without keeping it and answers 451 4.3.1. A waiting session holds no buffer,
 * and nothing that frees memory (the spool's writer, a commit) waits for the budget, so every wait
 * ends.
 */
public final class SmtpSession {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    /** RFC 4954 4: a SASL response line may be up to 12288 octets. */
    static final int MAX_AUTH_LINE = 12288;
    /** A TLS handshake that takes longer than this (or than the idle timeout) is abandoned. */
    static final long HANDSHAKE_TIMEOUT_NANOS = 30_000_000_000L;
    private static final System.Logger LOG = System.getLogger(SmtpSession.class.getName());
    /** How long a message waits for memory before it is refused with 451 4.3.1. */
    static final long MEMORY_WAIT_NANOS = 5_000_000_000L;
    /**
     * What a paused connection may still have read: Vert.x queues up to 16 socket reads (of up to
     * 64 KiB) before it stops reading, and the session holds one more.
     */
    static final long READ_AHEAD = 17 * 64 * 1024;
    /** The first buffer of a body whose size nothing hints at. */
    private static final int DEFAULT_FIRST_BUFFER = 8 * 1024;

    private final IntakePolicy policy;
    private final IntakeObserver observer;
    private final MessageStore store;
    private final Acceptance acceptance;
    private final Authenticator authenticator;
    private final SessionChannel channel;
    private final InetAddress client;
    private final SessionSecurity security;
    private final Clock clock;
    private final int chunkSize;
    /**
     * Input decoded per step in DATA (64 KiB for spool chunks of 256 KiB): a step asks the budget for
     * at most two chunks, so a step always fits in a budget of a few chunks.
     */
    private final int dataSlice;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    private SessionState state = SessionState.CONNECTED;
    private String clientName = "";
    private boolean extended;
    private Transaction transaction;
    private MessageBody body;
    private HeaderFilter poolField;
    private DataDecoder decoder;
    private int errors;
    /** The stored size of the last message this session received, 0 before the first. */
    private long lastBodySize;
    private long lastActivityNanos;
    private boolean connectionOpen = true;
    private boolean inputPaused;
    private boolean draining;
    private AuthExchange exchange;
    private MemoryBudget.Waiter memoryWait;
    private long memoryWaitStart;
    /** Reserved from the budget for what the connection reads ahead during DATA. */
    private long readAhead;
    private final CommandInput input = new CommandInput();

    public SmtpSession(IntakePolicy policy, MessageStore store, MessageQueue queue, SessionChannel channel,
                       InetAddress client, Clock clock, int chunkSize) {
        this(policy, store, queue, channel, client, clock, chunkSize, IntakeObserver.NONE);
    }

    public SmtpSession(IntakePolicy policy, MessageStore store, MessageQueue queue, SessionChannel channel,
                       InetAddress client, Clock clock, int chunkSize, IntakeObserver observer) {
        this(policy, store, queue, channel, client, clock, chunkSize, observer, Authenticator.NONE);
    }

    public SmtpSession(IntakePolicy policy, MessageStore store, MessageQueue queue, SessionChannel channel,
                       InetAddress client, Clock clock, int chunkSize, IntakeObserver observer,
                       Authenticator authenticator) {
        this.observer = observer;
        this.authenticator = authenticator;
        this.policy = policy;
        this.store = store;
        this.acceptance = new Acceptance(store, queue);
        this.channel = channel;
        this.client = client;
        this.security = new SessionSecurity(policy, authenticator, client, channel.secure());
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.dataSlice = Math.max(16, chunkSize / 4);
        this.lastActivityNanos = System.nanoTime();
    }

    /** Sends the greeting. */
    public void start() {
        reply(Reply.plain(220, policy.hostname() + " ESMTP Hermod"));
        flush();
    }

    /** Feeds bytes read from the connection. */
    public void receive(byte[] data) {
        receive(data, 0, data.length);
    }

    /**
     * Feeds {@code length} bytes read from the connection, from {@code offset}. The session may keep
     * the array until it has processed them: the caller must not reuse it.
     */
    public void receive(byte[] data, int offset, int length) {
        lastActivityNanos = System.nanoTime();
        // In HANDSHAKE a well-behaved channel delivers nothing; whatever comes is plain text that
        // followed STARTTLS and must not be taken as coming over TLS.
        if (state == SessionState.CLOSED || state == SessionState.HANDSHAKE || length == 0) {
            return;
        }
        input.append(data, offset, length);
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
        if (state == SessionState.MEMORY_WAIT) {
            if (nowNanos - memoryWaitStart > MEMORY_WAIT_NANOS) {
                giveUpOnMemory();
            }
            return;
        }
        if (state == SessionState.CLOSED || state == SessionState.COMMITTING || state == SessionState.VERIFYING) {
            return;
        }
        if (state == SessionState.HANDSHAKE) {
            // A plain-text reply would only garble the handshake: just close.
            if (nowNanos - lastActivityNanos > Math.min(HANDSHAKE_TIMEOUT_NANOS, policy.idleTimeout().toNanos())) {
                shutdown();
            }
        } else if (nowNanos - lastActivityNanos > policy.idleTimeout().toNanos()) {
            reply(Replies.IDLE_TIMEOUT);
            shutdown();
        }
    }

    /**
     * Shutdown has begun: a session between transactions gets 421 4.3.2 and is closed now; one in
     * the middle of a transaction may finish it (its 250 is sent) and is closed right after.
     */
    public void drain() {
        draining = true;
        closeIfIdleAndDraining();
    }

    private void closeIfIdleAndDraining() {
        if (draining && (state == SessionState.CONNECTED || state == SessionState.READY
                || state == SessionState.AUTH)) {
            reply(Replies.SHUTTING_DOWN);
            shutdown();
        }
    }

    /** Closes the session with {@code reply} (for example 421 at shutdown) unless a commit is under way. */
    public void terminate(Reply reply) {
        if (state == SessionState.CLOSED || state == SessionState.COMMITTING) {
            return;
        }
        if (state != SessionState.HANDSHAKE) {
            reply(reply);
        }
        shutdown();
    }

    private void process() {
        while (!input.isEmpty() && state != SessionState.CLOSED && !state.waiting()) {
            if (state == SessionState.DATA) {
                receiveData();
                continue;
            }
            // RFC 4954 4: an AUTH line (with its initial response) and SASL responses may be 12288 octets.
            boolean authLine = state == SessionState.AUTH || input.startsWithIgnoreCase("AUTH ");
            CommandInput.Line line = input.nextLine(authLine ? MAX_AUTH_LINE : MAX_COMMAND_LINE);
            if (line == null) {
                break;
            }
            if (state == SessionState.AUTH) {
                authStep(line.tooLong() ? new AuthExchange.Refuse(Replies.LINE_TOO_LONG) : exchange.respond(line.text()));
            } else if (line.tooLong()) {
                reply(Replies.LINE_TOO_LONG);
            } else {
                command(Command.parse(line.text()));
            }
            closeIfIdleAndDraining();
            closeIfTooManyErrors();
        }
        flush();
    }

    private void closeIfTooManyErrors() {
        if (errors >= policy.maxErrors() && state != SessionState.CLOSED) {
            reply(Replies.TOO_MANY_ERRORS);
            shutdown();
        }
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
            case STARTTLS -> startTls(c);
            case AUTH -> auth(c);
            case SEND, SOML, SAML, TURN, BDAT -> reply(Replies.NOT_IMPLEMENTED);
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
        List<String> lines = new ArrayList<>(List.of(
                policy.hostname(),
                "PIPELINING",
                "SIZE " + policy.maxMessageSize(),
                "8BITMIME",
                "ENHANCEDSTATUSCODES",
                "SMTPUTF8"));
        lines.addAll(security.ehloKeywords());
        reply(new Reply(250, null, lines));
    }

    private void startTls(Command c) {
        Reply refusal = security.refuseStartTls(c, state);
        if (refusal != null) {
            reply(refusal);
        } else {
            // Whatever the client sent after STARTTLS came in plain text: drop it, so that nothing
            // injected there is executed as if it had come over TLS (CVE-2011-0411).
            input.clear();
            state = SessionState.HANDSHAKE;
            flush();
            observer.reply(Replies.STARTTLS_READY.code());
            channel.startTls(Replies.STARTTLS_READY.toBytes()).whenComplete((v, failure) -> tlsStarted(failure));
        }
    }

    /** RFC 3207 4.2: after the handshake the session starts over, knowing nothing the client said before. */
    private void tlsStarted(Throwable failure) {
        if (!connectionOpen || state != SessionState.HANDSHAKE) {
            return;
        }
        if (failure != null) {
            state = SessionState.CLOSED;
            channel.close();
            return;
        }
        security.tlsStarted();
        state = SessionState.CONNECTED;
        clientName = "";
        extended = false;
        transaction = null;
        exchange = null;
        input.clear();
        lastActivityNanos = System.nanoTime();
        closeIfIdleAndDraining();
        flush();
    }

    private void auth(Command c) {
        Reply refusal = security.refuseAuth(state);
        if (refusal != null) {
            reply(refusal);
        } else {
            exchange = new AuthExchange();
            authStep(exchange.start(c.argument()));
        }
    }

    private void authStep(AuthExchange.Step step) {
        if (step instanceof AuthExchange.Challenge challenge) {
            state = SessionState.AUTH;
            reply(challenge.reply());
            return;
        }
        exchange = null;
        if (step instanceof AuthExchange.Refuse refusal) {
            state = SessionState.READY;
            reply(refusal.reply());
            return;
        }
        Sasl.Credentials credentials = ((AuthExchange.Check) step).credentials();
        if (!authenticator.admits(client)) {
            state = SessionState.READY;
            reply(Replies.AUTH_BUSY); // this address failed too often lately; no password is checked
            return;
        }
        state = SessionState.VERIFYING;
        updateFlow();
        authenticator.authenticate(credentials.user(), credentials.password())
                .whenCompleteAsync(this::verified, channel.executor());
    }

    private void verified(Optional<AuthenticatedUser> result, Throwable failure) {
        boolean busy = failure instanceof UserFileAuthenticator.Busy
                || failure != null && failure.getCause() instanceof UserFileAuthenticator.Busy;
        if (!busy && !(failure == null && result.isPresent())) {
            security.authFailed(); // counted even when the client hung up to dodge the delay
            authenticator.failed(client);
        }
        if (!connectionOpen || state != SessionState.VERIFYING) {
            return;
        }
        state = SessionState.READY;
        if (failure == null && result.isPresent()) {
            security.authenticated(result.get());
            reply(Replies.AUTH_OK);
        } else if (busy) {
            reply(Replies.AUTH_BUSY);
        } else {
            reply(Replies.AUTH_FAILED);
            if (security.tooManyAuthFailures()) {
                reply(Replies.TOO_MANY_AUTH_FAILURES);
                shutdown();
            }
        }
        closeIfIdleAndDraining();
        closeIfTooManyErrors();
        // As after a commit: answer what arrived meanwhile before reading more.
        process();
        updateFlow();
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
        Reply needAuth = security.refuseMail();
        if (needAuth != null) {
            reply(needAuth);
            return;
        }
        PathArgument path;
        MailParameters parameters;
        try {
            path = PathArgument.parseReversePath(c.argument());
            parameters = MailParameters.parse(path.parameters(), policy.maxMessageSize());
        } catch (PathSyntaxException e) {
            reply(e.reply());
            return;
        }
        boolean eightBit = parameters.eightBit();
        boolean utf8 = parameters.smtpUtf8();
        Mailbox sender = path.mailbox();
        if (sender != null && !utf8 && !sender.isAscii()) {
            reply(Replies.NEEDS_SMTPUTF8);
            return;
        }
        Reply notOwned = security.refuseSender(sender);
        if (notOwned != null) {
            reply(notOwned);
            return;
        }
        transaction = new Transaction(sender == null ? "" : sender.toString(), eightBit, utf8, parameters.size());
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
        if (AddressSyntax.isGeneralAddressLiteral(path.mailbox().domain())) {
            return Replies.ADDRESS_LITERAL_UNSUPPORTED;
        }
        String address = path.mailbox().toString();
        if (policy.inbound().consumes(path.mailbox().domain().toLowerCase(Locale.ROOT))) {
            // Like an MX for its own domains: anyone may send here, nothing is relayed or suppressed.
            if (transaction.recipientCount() >= policy.maxRecipients()) {
                return Replies.TOO_MANY_RECIPIENTS;
            }
            transaction.addInbound(address);
            return null;
        }
        if (!security.mayRelay()) {
            return Replies.RELAY_DENIED;
        }
        if (transaction.recipientCount() >= policy.maxRecipients()) {
            return Replies.TOO_MANY_RECIPIENTS;
        }
        // Point gets on the event loop: the suppression family is small and normally in the memtable or
        // block cache (about 8 us per check with 200,000 entries), less than a trip to a worker and back.
        Optional<Suppression> suppressed;
        try {
            suppressed = policy.suppression().find(transaction.sender, address);
        } catch (SpoolException e) {
            return Replies.SUPPRESSION_UNREADABLE; // a spool read error: not a reason to refuse for good
        }
        if (suppressed.isPresent()) {
            observer.suppressed(clock.millis(), transaction.sender, address, suppressed.get());
            return Replies.suppressed(address, suppressed.get().reason());
        }
        transaction.addRecipient(address);
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
            default -> admitData();
        }
    }

    /**
     * Reserves the read-ahead of the DATA phase, or waits for it before the 354: {@link #READ_AHEAD},
     * or the declared SIZE and a little when that is less, and never more than a quarter of the
     * budget, so that the body always has room.
     */
    private void admitData() {
        long allowance = Math.min(READ_AHEAD, policy.memory().capacity() / 4);
        if (transaction.declaredSize >= 0) {
            allowance = Math.min(allowance, transaction.declaredSize + 4 * 1024);
        }
        if (policy.memory().tryAdmit(allowance)) {
            readAhead = allowance;
            startData();
        } else {
            startWaiting(allowance, true);
        }
    }

    private void startData() {
        var id = store.newId();
        String protocol = security.protocol(extended, transaction.smtpUtf8);
        byte[] header = ReceivedHeader.build(clientName, client, policy.hostname(), protocol, id.toString(),
                transaction.allRecipients(), ZonedDateTime.now(clock));
        // X-Hermod-Ref, only on mail that leaves: a feedback report quotes it back. Part of the stored
        // message like Received:, so the DKIM signer sees it and the signature covers it.
        byte[] trace = transaction.recipients().isEmpty() ? new byte[0]
                : policy.trace().field(id, transaction.sender, transaction.recipients());
        body = new MessageBody(store, id, policy.maxMessageSize() + header.length + trace.length, chunkSize,
                expectedSize(header.length + trace.length), policy.memory(),
                channel.executor(), this::updateFlow, policy.signing().start());
        body.write(header, 0, header.length);
        body.write(trace, 0, trace.length);
        if (!transaction.inbound().isEmpty()) {
            body.copyTo(new InboundCopy(policy.inbound().maxSize()));
        }
        // X-Hermod-Pool names the message's egress pool; it is taken out before the message is stored or signed.
        poolField = new HeaderFilter(body, HeaderFilter.POOL_FIELD);
        decoder = new DataDecoder(poolField);
        state = SessionState.DATA;
        reply(Replies.START_DATA);
    }

    /**
     * What the body about to be received will probably need, so that its first buffer fits it: the
     * declared SIZE, else the size of this session's previous message (a bulk sender's messages are
     * much alike), with a little room; the first message without SIZE gets the spool's default.
     */
    private int expectedSize(int added) {
        long expected = transaction.declaredSize >= 0 ? transaction.declaredSize + added : lastBodySize;
        if (expected <= 0) {
            return DEFAULT_FIRST_BUFFER;
        }
        return (int) Math.min(chunkSize, expected + expected / 8 + 256);
    }

    /** Decodes as much input as the memory budget covers now, or starts waiting for it. */
    private void receiveData() {
        int slice = body.admit(Math.min(input.size(), dataSlice));
        if (slice == 0) {
            waitForMemory();
            return;
        }
        input.decode(decoder, slice);
        body.returnSpare();
        if (decoder.isDone()) {
            endOfData();
        }
    }

    private void waitForMemory() {
        body.flush();
        body.returnSpare();
        startWaiting(body.shortfall(Math.min(input.size(), dataSlice)), false);
    }

    /**
     * Stops reading until the budget grants {@code need} bytes: to start the DATA phase ({@code admission},
     * served after those that hold memory already) or for the body.
     */
    private void startWaiting(long need, boolean admission) {
        MemoryBudget memory = policy.memory();
        state = SessionState.MEMORY_WAIT;
        memoryWaitStart = System.nanoTime();
        memory.recordPause();
        updateFlow();
        Runnable granted = () -> memoryGranted(need);
        MemoryBudget.Waiter waiter = admission ? memory.admitWhenFree(need, channel.executor(), granted)
                : memory.reserveWhenFree(need, channel.executor(), granted);
        // An executor that runs the grant at once has already moved on (and may be waiting again).
        if (state == SessionState.MEMORY_WAIT && memoryWait == null) {
            memoryWait = waiter;
        }
    }

    private void memoryGranted(long bytes) {
        memoryWait = null;
        if (state != SessionState.MEMORY_WAIT) {
            policy.memory().release(bytes);
            return;
        }
        if (body == null) {
            readAhead = bytes;
            startData();
        } else {
            body.credit(bytes);
            state = SessionState.DATA;
        }
        process();
        updateFlow();
    }

    /**
     * The budget stayed full: before the 354 the DATA gets 451 4.3.1 at once (the transaction stays
     * open); during the body the rest of the message is read and dropped, and it gets 451 4.3.1.
     */
    private void giveUpOnMemory() {
        cancelMemoryWait();
        policy.memory().recordRefusal();
        if (body == null) {
            state = SessionState.RCPT;
            observer.refused(DataRefusal.MEMORY_FULL.result);
            reply(Replies.INSUFFICIENT_RESOURCES);
        } else {
            body.refuse();
            state = SessionState.DATA;
        }
        process();
        updateFlow();
    }

    private void releaseReadAhead() {
        policy.memory().release(readAhead);
        readAhead = 0;
    }

    private void cancelMemoryWait() {
        if (memoryWait != null) {
            memoryWait.cancel();
            memoryWait = null;
        }
    }

    private void endOfData() {
        releaseReadAhead(); // the client has sent all it will before our reply
        Transaction t = transaction;
        MessageBody b = body;
        transaction = null;
        body = null;
        poolField.finish();
        lastBodySize = b.size();
        DataRefusal refusal = DataRefusal.of(b, decoder, policy.maxHops(), !t.recipients().isEmpty());
        if (refusal != null) {
            b.release();
            store.discard(b.id(), b.chunkCount());
            state = SessionState.READY;
            observer.refused(refusal.result);
            reply(refusal.reply);
            updateFlow();
            return;
        }
        if (!t.inbound().isEmpty()) {
            endOfInboundData(t, b);
            return;
        }
        byte[] signatures = b.signatures();
        Envelope envelope = envelope(t, b, signatures.length);
        byte[] last = b.takeLastChunk();
        state = SessionState.COMMITTING;
        updateFlow();
        long dataEnd = System.nanoTime();
        acceptance.accept(envelope, b.chunksWritten(), last, signatures, channel.executor())
                .whenComplete((v, failure) -> committed(envelope, b, failure, dataEnd)); // on channel.executor()
    }

    private Envelope envelope(Transaction t, MessageBody b, int prefixLength) {
        List<Recipient> recipients = new ArrayList<>(t.recipients().size());
        for (String address : t.recipients()) {
            recipients.add(Recipient.pending(address));
        }
        return new Envelope(b.id(), t.sender, recipients, clock.millis(), b.size(), b.chunkCount(),
                t.eightBit, t.smtpUtf8, clientName, client.getHostAddress()).withPrefix(prefixLength)
                .withPool(poolField.value());
    }

    /**
     * A message with recipients at inbound domains: their part is consumed first, then the rest (if
     * any) is committed and queued as usual; one 250 once both are done. Consumed first so that a
     * failure of either leaves at worst a report read twice when the client sends again, never
     * relayed mail sent twice. A message for inbound domains only is not spooled at all.
     */
    private void endOfInboundData(Transaction t, MessageBody b) {
        InboundCopy copy = b.copy();
        CompletableFuture<Void> consumed = policy.inbound().consume(new InboundMail.Message(b.id(), t.sender,
                t.inbound(), client.getHostAddress(), copy.bytes(), copy.truncated()));
        state = SessionState.COMMITTING;
        updateFlow();
        if (t.recipients().isEmpty()) {
            int chunkCount = b.chunkCount();
            b.chunksWritten().whenComplete((w, e) -> store.discard(b.id(), chunkCount));
            consumed.whenCompleteAsync((v, failure) -> {
                b.release();
                consumedOnly(b.id(), failure);
            }, channel.executor());
            return;
        }
        byte[] signatures = b.signatures();
        Envelope envelope = envelope(t, b, signatures.length);
        byte[] last = b.takeLastChunk();
        CompletableFuture<Void> chunks = b.chunksWritten();
        long dataEnd = System.nanoTime();
        consumed.whenCompleteAsync((v, failure) -> {
            if (failure != null) {
                chunks.whenComplete((w, e) -> store.discard(envelope.id(), envelope.chunkCount()));
                b.release();
                consumedOnly(envelope.id(), failure); // nothing was committed: the same 451
                return;
            }
            acceptance.accept(envelope, chunks, last, signatures, channel.executor())
                    .whenComplete((w, e) -> committed(envelope, b, e, dataEnd));
        }, channel.executor());
    }

    private void consumedOnly(MessageId id, Throwable failure) {
        if (failure == null) {
            observer.consumed();
        } else {
            LOG.log(System.Logger.Level.WARNING, "intake: report " + id + " could not be consumed: " + failure);
            observer.refused("consume_error");
        }
        answerEndOfData(failure == null ? Reply.of(250, "2.0.0", "Ok: consumed as " + id) : Replies.SPOOL_FAILED);
    }

    private void committed(Envelope envelope, MessageBody b, Throwable failure, long dataEndNanos) {
        b.release();
        if (failure == null) {
            observer.accepted(envelope);
            if (connectionOpen) { // taken as the 250 goes out, before any pipelined input is read
                observer.acceptanceTime(System.nanoTime() - dataEndNanos);
            }
        } else {
            observer.refused("spool_error");
        }
        answerEndOfData(failure == null ? Reply.of(250, "2.0.0", "Ok: queued as " + envelope.id()) : Replies.SPOOL_FAILED);
    }

    /** The one reply to a message whose commit (or consumption) is over; input resumes. */
    private void answerEndOfData(Reply reply) {
        if (!connectionOpen) {
            return;
        }
        state = SessionState.READY;
        reply(reply);
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
        cancelMemoryWait();
        releaseReadAhead();
        if (body != null) {
            body.release();
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
        boolean pause = state == SessionState.COMMITTING || state == SessionState.VERIFYING
                || state == SessionState.MEMORY_WAIT
                || (body != null && body.saturated());
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
