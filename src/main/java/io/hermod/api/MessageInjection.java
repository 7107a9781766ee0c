package io.hermod.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.hermod.dkim.Signing;
import io.hermod.eventlog.EventSink;
import io.hermod.feedback.References;
import io.hermod.intake.IntakeTelemetry;
import io.hermod.intake.ReceivedHeader;
import io.hermod.intake.SuppressionCheck;
import io.hermod.queue.Acceptance;
import io.hermod.queue.SiteAdmin;
import io.hermod.smtp.DataDecoder;
import io.hermod.smtp.HeaderFilter;
import io.hermod.smtp.Mailbox;
import io.hermod.spool.Envelope;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.hermod.spool.Suppression;
import io.hermod.spool.Suppressions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/messages}: the HTTP door into the spool, with SMTP intake's contract. The
 * request is checked (400 naming the field), a Received header is prepended, line endings are
 * normalised and limits enforced exactly as for a DATA stream, the body is written in spool-sized
 * chunks, and {@code 202 {"id": ...}} goes out only once the envelope's commit is durable; a failed
 * commit is {@code 503} and leaves nothing behind. Then the queue gets the message and the event log
 * one Reception line per recipient.
 *
 * <p>With {@code suppression.enabled}, recipients on the suppression list are dropped before
 * anything is written, each logged as a Suppressed event and listed in the 202's
 * {@code "suppressed"}; when every recipient is suppressed the answer is {@code 422} naming them.
 * The list lookups (RocksDB point gets) run on the worker with the rest of the preparation.
 *
 * <p>Parsing a request of up to {@code 1.4 × smtp.max_message_size} and encoding its message is
 * CPU work of tens of milliseconds, and waiting for chunk writes blocks, so both run on a worker
 * thread; the event loop only commits and answers.
 */
final class MessageInjection implements Handler<RoutingContext> {

    private static final System.Logger LOG = System.getLogger(MessageInjection.class.getName());
    /** What Envelope.clientName records for an injected message: there is no HELO name. */
    static final String CLIENT_NAME = "api";

    private final Vertx vertx;
    private final MessageStore store;
    private final Acceptance acceptance;
    private final Signing signing;
    private final MemoryBudget memory;
    private final SuppressionCheck suppression;
    /** {@code X-Hermod-Ref} (see References); null when {@code feedback.secret} is unset. */
    private final References references;
    private final Set<String> inboundDomains;
    private final EventSink events;
    private final SiteAdmin sites;
    private final String hostname;
    private final long maxMessageSize;
    private final int maxRecipients;
    private final int maxHops;
    private final Clock clock;
    private final JsonFactory json;

    MessageInjection(Vertx vertx, ApiServices services, Clock clock) {
        this.vertx = vertx;
        this.store = services.spool();
        this.acceptance = new Acceptance(services.spool(), services.queue());
        this.signing = services.signing();
        this.memory = services.memory();
        this.suppression = SuppressionCheck.of(services.config().suppression(), services.spool().suppressions());
        this.references = services.config().feedback().secret().map(References::new).orElse(null);
        this.inboundDomains = Set.copyOf(services.config().feedback().inboundDomains());
        this.events = services.events();
        this.sites = services.sites();
        this.hostname = services.config().hostname();
        this.maxMessageSize = services.config().smtp().maxMessageSize();
        this.maxRecipients = services.config().smtp().maxRecipients();
        this.maxHops = services.config().smtp().maxHops();
        this.clock = clock;
        // A message string has at least as many octets as characters, so a string longer than the
        // size limit is over it: the parser stops there instead of buffering it.
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxMessageSize)).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** The request body limit: a base64 message is 4/3 of its size, plus room for JSON escapes and the envelope. */
    static long bodyLimit(long maxMessageSize) {
        return maxMessageSize + maxMessageSize * 2 / 5 + 64 * 1024;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            JsonResponse.error(ctx, 400, "body: a JSON object is required");
            return;
        }
        InetAddress client = clientAddress(ctx.request().remoteAddress());
        Context context = vertx.getOrCreateContext();
        vertx.executeBlocking(() -> prepare(body, client), false)
                .onFailure(failure -> JsonResponse.failure(ctx, failure, LOG))
                .onSuccess(prepared -> commit(ctx, prepared, context));
    }

    /** What the worker hands back: everything but the commit. */
    private record Prepared(Envelope envelope, SpoolChunks chunks, byte[] lastChunk, byte[] signatures,
                            CompletableFuture<Void> chunksWritten, List<String> suppressed) {
    }

    private Prepared prepare(Buffer body, InetAddress client) {
        InjectionRequest parsed = InjectionRequest.parse(json, body, maxRecipients);
        if (parsed.pool() != null && sites != null && !sites.knowsPool(parsed.pool())) {
            throw new ApiException(422, "pool: no pool \"" + parsed.pool() + "\" in the shaping file");
        }
        List<String> suppressed = new ArrayList<>();
        refuseInbound(parsed);
        InjectionRequest request = withoutSuppressed(parsed, suppressed);
        MessageId id = store.newId();
        byte[] header = ReceivedHeader.forHttp(client, hostname, id.toString(), ZonedDateTime.now(clock));
        SpoolChunks chunks = new SpoolChunks(store, id, Spool.CHUNK_SIZE, memory, signing.start());
        try {
            chunks.write(header, 0, header.length);
            if (references != null) {
                byte[] trace = references.headerField(id, request.sender(), request.recipients());
                chunks.write(trace, 0, trace.length);
            }
            Supplier<ApiException> tooLarge = () -> new ApiException(413,
                    "message: larger than " + maxMessageSize + " octets (smtp.max_message_size)");
            // X-Hermod-Pool names the message's egress pool; it is taken out before the message is stored or signed.
            HeaderFilter poolField = new HeaderFilter(new DataDecoder.Output() {
                @Override
                public void write(byte b) {
                    chunks.write(b);
                }

                @Override
                public void write(byte[] source, int offset, int length) {
                    chunks.write(source, offset, length);
                }
            }, HeaderFilter.POOL_FIELD);
            CrlfNormaliser message = new CrlfNormaliser(new OutputStream() {
                @Override
                public void write(int b) {
                    poolField.write((byte) b);
                }

                @Override
                public void write(byte[] source, int offset, int length) {
                    poolField.write(source, offset, length);
                }
            }, maxMessageSize, maxHops, tooLarge);
            MessageFieldReader.copy(json, body, request.messageField(), message, tooLarge);
            message.finish();
            poolField.finish();
            if (message.size() == 0) {
                // SMTP cannot express "no message at all"; over HTTP it is a client bug, not mail.
                throw ApiException.badRequest(request.messageField().key + ": is empty");
            }
            List<Recipient> recipients = new ArrayList<>(request.recipients().size());
            for (String address : request.recipients()) {
                recipients.add(Recipient.pending(address));
            }
            byte[] signatures = chunks.signatures();
            Envelope envelope = new Envelope(id, request.sender(), recipients, clock.millis(), chunks.size(),
                    chunks.chunkCount(), message.eightBit(), request.smtpUtf8(), CLIENT_NAME,
                    client.getHostAddress()).withPrefix(signatures.length)
                    .withPool(request.pool() != null ? request.pool() : poolField.value());
            return new Prepared(envelope, chunks, chunks.takeLastChunk(), signatures, chunks.written(), suppressed);
        } catch (IOException e) {
            chunks.discard();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            chunks.discard();
            throw e;
        }
    }

    private void commit(RoutingContext ctx, Prepared prepared, Context context) {
        Envelope envelope = prepared.envelope();
        CompletableFuture<Void> commit = acceptance.accept(envelope, prepared.chunksWritten(), prepared.lastChunk(),
                prepared.signatures(), task -> context.runOnContext(v -> task.run()));
        Future.fromCompletionStage(commit, context).onComplete(result -> {
            prepared.chunks().release();
            if (result.failed()) {
                Throwable cause = result.cause().getCause() == null ? result.cause() : result.cause().getCause();
                LOG.log(System.Logger.Level.WARNING, "api: spool commit of " + envelope.id() + " failed: "
                        + cause.getMessage());
                JsonResponse.error(ctx, 503, "spool: the message could not be stored: " + cause.getMessage());
                return;
            }
            long now = clock.millis();
            for (Recipient recipient : envelope.recipients()) {
                events.append(ApiEvents.reception(envelope, recipient, now));
            }
            JsonObject answer = new JsonObject().put("id", envelope.id().toString());
            if (!prepared.suppressed().isEmpty()) {
                answer.put("suppressed", new JsonArray(prepared.suppressed()));
            }
            JsonResponse.send(ctx, 202, answer);
        });
    }

    /**
     * The request without its suppressed recipients, which go into {@code suppressed} and the event
     * log; a request with none left is refused (422) before anything is written.
     */
    /**
     * Mail for {@code inbound.domains} is consumed, never relayed; over HTTP there is nothing to
     * consume it (reports arrive by SMTP), so such a recipient is refused rather than relayed.
     */
    private void refuseInbound(InjectionRequest request) {
        for (int i = 0; i < request.recipients().size(); i++) {
            String address = request.recipients().get(i);
            if (inboundDomains.contains(Suppressions.domainOf(address))) {
                throw ApiException.badRequest("recipients[" + i + "]: " + address
                        + " is at an inbound domain (inbound.domains): its mail is consumed, not relayed");
            }
        }
    }

    private InjectionRequest withoutSuppressed(InjectionRequest request, List<String> suppressed) {
        List<String> kept = new ArrayList<>(request.recipients().size());
        long now = clock.millis();
        for (String address : request.recipients()) {
            Optional<Suppression> entry = suppression.find(request.sender(), address);
            if (entry.isPresent()) {
                suppressed.add(address);
                events.append(IntakeTelemetry.suppressedEvent(now, request.sender(), address, entry.get()));
            } else {
                kept.add(address);
            }
        }
        if (suppressed.isEmpty()) {
            return request;
        }
        if (kept.isEmpty()) {
            throw new ApiException(422, "recipients: every recipient is suppressed: " + String.join(", ", suppressed));
        }
        // SMTPUTF8 is needed only if an address still in the envelope is not ASCII.
        boolean utf8 = !Mailbox.isAscii(request.sender()) || kept.stream().anyMatch(a -> !Mailbox.isAscii(a));
        return new InjectionRequest(request.sender(), kept, utf8, request.messageField(), request.pool());
    }

    /** The HTTP client's IP address; the loopback address if the connection has none (a Unix socket). */
    static InetAddress clientAddress(SocketAddress remote) {
        if (remote != null && remote.isInetSocket() && remote.hostAddress() != null) {
            try {
                return InetAddress.getByName(remote.hostAddress()); // an IP literal: no DNS lookup
            } catch (UnknownHostException e) {
                // fall through
            }
        }
        return InetAddress.getLoopbackAddress();
    }
}
