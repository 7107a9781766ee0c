package io.hermod.api;

import io.hermod.api.BatchRendering.RenderException;
import io.hermod.api.BatchRequest.BatchRecipient;
import io.hermod.dkim.Signing;
import io.hermod.eventlog.EventSink;
import io.hermod.intake.IntakeTelemetry;
import io.hermod.intake.ReceivedHeader;
import io.hermod.intake.SuppressionCheck;
import io.hermod.smtp.Mailbox;
import io.hermod.queue.Acceptance;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.hermod.spool.Suppression;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Turns a batch into messages, one per recipient, each through the one acceptance path: rendered,
 * given a Received header, line endings and limits checked as for a DATA stream
 * ({@link CrlfNormaliser}), DKIM-signed while it streams into the spool, committed, queued, and
 * logged as a Reception event with the batch's tags. Commits are not waited for one by one: up to
 * {@link #WINDOW} are in flight, so the spool's group commit covers many messages per fsync.
 *
 * <p>{@link #check} renders every message without storing anything, so that a request with a bad
 * recipient is refused whole; {@link #expand} then stores them. Runs on an injection thread, never
 * on an event loop: it blocks on chunk writes and commits.
 */
final class BatchExpansion {

    /** Commits in flight per batch. */
    static final int WINDOW = 256;
    /** Problems listed in an answer; the count says how many there were. */
    static final int MAX_LISTED = 100;

    /** One recipient that cannot get its message: where, and why. */
    record Problem(int index, String email, String field, String reason) {
        JsonObject toJson() {
            return new JsonObject().put("index", index).put("recipient", email).put("field", field)
                    .put("reason", reason);
        }
    }

    /** What an expansion did: how many messages were accepted, and every recipient that got none. */
    record Result(int success, List<Problem> failed) {
        JsonObject toJson() {
            JsonArray recipients = new JsonArray();
            JsonArray errors = new JsonArray();
            for (Problem p : failed) {
                recipients.add(p.email());
                if (errors.size() < MAX_LISTED) {
                    errors.add(p.toJson());
                }
            }
            return new JsonObject().put("success_count", success).put("fail_count", failed.size())
                    .put("failed_recipients", recipients).put("errors", errors);
        }
    }

    /** Charged with each message's chunks until the spool has them ({@code smtp.max_buffered_bytes}). */
    private final MemoryBudget memory;
    private final MessageStore store;
    private final Acceptance acceptance;
    private final Signing signing;
    private final SuppressionCheck suppression;
    private final EventSink events;
    private final String hostname;
    private final long maxMessageSize;
    private final int maxHops;
    private final Clock clock;

    BatchExpansion(MessageStore store, Acceptance acceptance, Signing signing, SuppressionCheck suppression,
                   EventSink events, String hostname, long maxMessageSize, int maxHops, Clock clock,
                   MemoryBudget memory) {
        this.memory = memory;
        this.store = store;
        this.acceptance = acceptance;
        this.signing = signing;
        this.suppression = suppression;
        this.events = events;
        this.hostname = hostname;
        this.maxMessageSize = maxMessageSize;
        this.maxHops = maxHops;
        this.clock = clock;
    }

    /** Every recipient whose address is bad or whose message does not render within the limits; stores nothing. */
    List<Problem> check(BatchRequest request, BatchRendering rendering) {
        List<Problem> problems = new ArrayList<>();
        long now = clock.millis();
        List<BatchRecipient> recipients = request.recipients();
        for (int i = 0; i < recipients.size(); i++) {
            BatchRecipient r = recipients.get(i);
            String field = "recipients[" + i + "]";
            try {
                InjectionRequest.recipient(field + ".email", r.email());
                CrlfNormaliser message = new CrlfNormaliser(OutputStream.nullOutputStream(), maxMessageSize, maxHops,
                        tooLarge());
                rendering.render(r, "check@" + hostname, now, message);
                message.finish();
            } catch (ApiException e) {
                problems.add(new Problem(i, r.email(), e.getMessage().startsWith(field) ? field + ".email" : "content",
                        e.getMessage()));
            } catch (RenderException e) {
                problems.add(new Problem(i, r.email(), e.field, field + ": " + e.field + ": " + e.getMessage()));
            } catch (IOException e) {
                throw new IllegalStateException(e); // a null stream does not fail
            }
        }
        return problems;
    }

    private record InFlight(int index, String email, CompletableFuture<Void> accepted) {
    }

    /**
     * Stores the messages of recipients {@code from} (inclusive) to {@code to} (exclusive) and
     * returns once every commit has completed. A recipient on the suppression list gets no message
     * and is reported; so is one whose message the spool could not store.
     *
     * @param caller where messages are queued once committed (an event loop)
     */
    Result expand(BatchRequest request, BatchRendering rendering, int from, int to, InetAddress client,
                  Executor caller) {
        int success = 0;
        List<Problem> failed = new ArrayList<>();
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        boolean utf8Sender = !request.senderIsAscii();
        for (int i = from; i < to; i++) {
            BatchRecipient r = request.recipients().get(i);
            Optional<Suppression> suppressed = suppression.find(request.sender(), r.email());
            if (suppressed.isPresent()) {
                events.append(IntakeTelemetry.suppressedEvent(clock.millis(), request.sender(), r.email(),
                        suppressed.get()));
                failed.add(new Problem(i, r.email(), "recipients[" + i + "].email",
                        "suppressed (" + suppressed.get().reason() + ")"));
                continue;
            }
            try {
                inFlight.add(new InFlight(i, r.email(), store(request, rendering, r, client, utf8Sender, caller)));
            } catch (RuntimeException | IOException e) {
                failed.add(new Problem(i, r.email(), "recipients[" + i + "]", "not stored: " + e.getMessage()));
            }
            while (inFlight.size() > WINDOW) {
                success += settle(inFlight.remove(), failed);
            }
        }
        while (!inFlight.isEmpty()) {
            success += settle(inFlight.remove(), failed);
        }
        failed.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new Result(success, failed);
    }

    private static int settle(InFlight pending, List<Problem> failed) {
        try {
            pending.accepted().join();
            return 1;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            failed.add(new Problem(pending.index(), pending.email(), "recipients[" + pending.index() + "]",
                    "spool: the message could not be stored: " + cause.getMessage()));
            return 0;
        }
    }

    /** One recipient's message, written and handed to acceptance; the future completes once it is queued. */
    private CompletableFuture<Void> store(BatchRequest request, BatchRendering rendering, BatchRecipient r,
                                          InetAddress client, boolean utf8Sender, Executor caller) throws IOException {
        MessageId id = store.newId();
        long now = clock.millis();
        byte[] header = ReceivedHeader.forHttp(client, hostname, id.toString(), ZonedDateTime.now(clock));
        SpoolChunks chunks = new SpoolChunks(store, id, Spool.CHUNK_SIZE, memory, signing.start());
        Envelope envelope;
        byte[] signatures;
        try {
            chunks.write(header, 0, header.length);
            CrlfNormaliser message = new CrlfNormaliser(chunks, maxMessageSize, maxHops, tooLarge());
            rendering.render(r, id + "@" + hostname, now, message);
            message.finish();
            signatures = chunks.signatures();
            envelope = new Envelope(id, request.sender(), List.of(Recipient.pending(r.email())), now, chunks.size(),
                    chunks.chunkCount(), message.eightBit(), utf8Sender || !Mailbox.isAscii(r.email()),
                    MessageInjection.CLIENT_NAME, client.getHostAddress())
                    .withPrefix(signatures.length).withTags(request.tags());
        } catch (IOException | RuntimeException e) {
            chunks.discard();
            throw e;
        }
        return acceptance.accept(envelope, chunks.written(), chunks.takeLastChunk(), signatures, caller)
                .whenComplete((v, e) -> chunks.release()) // the message's bytes leave the memory budget
                .thenRun(() -> events.append(ApiEvents.reception(envelope, envelope.recipients().get(0),
                        clock.millis())));
    }

    private Supplier<ApiException> tooLarge() {
        return () -> new ApiException(413, "message: larger than " + maxMessageSize + " octets (smtp.max_message_size)");
    }
}
