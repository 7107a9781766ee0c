package io.hermod.api;

import io.hermod.intake.SuppressionCheck;
import io.hermod.queue.Acceptance;
import io.hermod.queue.SiteAdmin;
import io.hermod.spool.Injections;
import io.hermod.spool.MessageId;
import io.hermod.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/inject}: one request, a template and many recipients, one message each
 * (see the README for the request). The request is checked whole before anything is stored: its
 * shape (400 naming the field; 413 over {@code http.inject.max_recipients}), its templates (400),
 * then every recipient's address and rendered message (422 listing each recipient at fault). A
 * synchronous request then stores every message and answers 200 with
 * {@code {success_count, fail_count, failed_recipients, errors}} (a recipient fails there only when
 * it is suppressed or the spool cannot store its message).
 *
 * <p>With {@code "deferred": true} the request itself is stored durably in the spool
 * ({@link Injections}) and answered 202 with its {@code batch_id}; the messages are made in the
 * background, and the progress is recorded every {@link #PROGRESS_EVERY} recipients, so a batch cut
 * off by a stop resumes where it was at the next start ({@link #resume}). Delivery is at least once:
 * the messages committed after the last progress record are made again.
 *
 * <p>Expansion runs on threads of its own ({@link #THREADS}), never on an event loop or a Vert.x worker:
 * a large batch takes longer than Vert.x lets a worker block.
 */
final class BatchInjection implements Handler<RoutingContext> {

    private static final System.Logger LOG = System.getLogger(BatchInjection.class.getName());
    static final int THREADS = 2;
    static final int PROGRESS_EVERY = 500;

    private final SiteAdmin sites;
    private final Vertx vertx;
    private final Injections stored;
    private final Supplier<MessageId> ids;
    private final BatchExpansion expansion;
    private final int maxRecipients;
    private final ExecutorService threads;
    private volatile boolean stopping;

    BatchInjection(Vertx vertx, ApiServices services, Clock clock) {
        this.vertx = vertx;
        this.sites = services.sites();
        Spool spool = services.spool();
        this.stored = spool.injections();
        this.ids = spool::newId;
        this.expansion = new BatchExpansion(spool, new Acceptance(spool, services.queue()), services.signing(),
                SuppressionCheck.of(services.config().suppression(), spool.suppressions()), services.events(),
                services.config().hostname(), services.config().smtp().maxMessageSize(),
                services.config().smtp().maxHops(), clock, services.memory());
        this.maxRecipients = services.config().http().injectMaxRecipients();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(THREADS, task -> {
            Thread t = new Thread(task, "hermod-inject-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void handle(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            JsonResponse.error(ctx, 400, "body: a JSON object is required");
            return;
        }
        InetAddress client = MessageInjection.clientAddress(ctx.request().remoteAddress());
        Context context = vertx.getOrCreateContext();
        try {
            threads.execute(() -> {
                Answer answer = run(body, client, context);
                context.runOnContext(v -> JsonResponse.send(ctx, answer.status(), answer.body()));
                if (answer.deferred() != null) {
                    expandStored(answer.deferred(), context);
                }
            });
        } catch (RejectedExecutionException e) {
            JsonResponse.error(ctx, 503, "inject: shutting down");
        }
    }

    private record Answer(int status, JsonObject body, Deferred deferred) {
    }

    /** A stored batch to expand: its id, request, rendering and client. */
    private record Deferred(long id, int next, BatchRequest request, BatchRendering rendering, InetAddress client) {
    }

    /** Checks, then stores (synchronous) or records (deferred) the batch; on an injection thread. */
    private Answer run(Buffer body, InetAddress client, Context context) {
        try {
            BatchRequest request = BatchRequest.parse(body, maxRecipients);
            String pool = request.tags().pool();
            if (pool != null && sites != null && !sites.knowsPool(pool)) {
                throw new ApiException(422, "pool: no pool \"" + pool + "\" in the shaping file");
            }
            BatchRendering rendering = BatchRendering.of(request);
            List<BatchExpansion.Problem> problems = expansion.check(request, rendering);
            if (!problems.isEmpty()) {
                return new Answer(422, refusal(request, problems), null);
            }
            if (request.deferred()) {
                long id = ids.get().value(); // time-ordered like message ids, so batches resume oldest first
                stored.add(id, client.getHostAddress(), body.getBytes()).join();
                JsonObject accepted = new JsonObject().put("batch_id", new MessageId(id).toString())
                        .put("deferred", true).put("recipients", request.recipients().size());
                return new Answer(202, accepted, new Deferred(id, 0, request, rendering, client));
            }
            BatchExpansion.Result result = expansion.expand(request, rendering, 0, request.recipients().size(), client,
                    task -> context.runOnContext(v -> task.run()));
            if (result.success() == 0) {
                return new Answer(422, result.toJson().put("error", "recipients: no message could be accepted"),
                        null);
            }
            return new Answer(200, result.toJson(), null);
        } catch (ApiException e) {
            return new Answer(e.status(), new JsonObject().put("error", e.getMessage()), null);
        } catch (CompletionException e) {
            // Storing a deferred request failed (disk full, I/O error): nothing was accepted.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.log(System.Logger.Level.WARNING, "inject: storing a deferred batch failed: " + cause.getMessage());
            return new Answer(503, new JsonObject().put("error", "spool: the batch could not be stored: "
                    + cause.getMessage()), null);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "api: POST /api/v1/inject failed", e);
            return new Answer(500, new JsonObject().put("error", "internal error"), null);
        }
    }

    private static JsonObject refusal(BatchRequest request, List<BatchExpansion.Problem> problems) {
        JsonArray errors = new JsonArray();
        JsonArray recipients = new JsonArray();
        for (BatchExpansion.Problem p : problems) {
            recipients.add(p.email());
            if (errors.size() < BatchExpansion.MAX_LISTED) {
                errors.add(p.toJson());
            }
        }
        BatchExpansion.Problem first = problems.get(0);
        return new JsonObject()
                .put("error", problems.size() + " of " + request.recipients().size()
                        + " recipients cannot be sent; nothing was stored; first: " + first.reason())
                .put("success_count", 0).put("fail_count", problems.size())
                .put("failed_recipients", recipients).put("errors", errors);
    }

    /** Expands a stored batch from where it stands, recording progress; on an injection thread. */
    private void expandStored(Deferred batch, Context context) {
        String name = new MessageId(batch.id()).toString();
        int total = batch.request().recipients().size();
        int success = 0;
        int failed = 0;
        int next = batch.next();
        try {
            while (next < total) {
                if (stopping) {
                    LOG.log(System.Logger.Level.INFO, "inject: batch " + name + " stopped at recipient " + next
                            + " of " + total + "; it resumes at the next start");
                    return;
                }
                int end = Math.min(total, next + PROGRESS_EVERY);
                BatchExpansion.Result result = expansion.expand(batch.request(), batch.rendering(), next, end,
                        batch.client(), task -> context.runOnContext(v -> task.run()));
                success += result.success();
                failed += result.failed().size();
                result.failed().forEach(p -> LOG.log(System.Logger.Level.WARNING, "inject: batch " + name
                        + ": recipient " + p.index() + " <" + p.email() + ">: " + p.reason()));
                next = end;
                if (next < total) {
                    stored.progress(batch.id(), next).join();
                }
            }
            stored.remove(batch.id()).join();
            LOG.log(System.Logger.Level.INFO, "inject: batch " + name + " expanded: " + success + " messages accepted, "
                    + failed + " recipients failed");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "inject: batch " + name + " stopped at recipient " + next + " of "
                    + total + ": " + e + "; it resumes at the next start");
        }
    }

    /**
     * Resumes the stored batches an earlier run left unfinished; called once at start, after the
     * spool's recovery. A stored request that no longer parses (a later version's limits) is logged
     * and left in place.
     */
    void resume() {
        List<Injections.Stored> pending = stored.pending();
        if (pending.isEmpty()) {
            return;
        }
        Context context = vertx.getOrCreateContext();
        for (Injections.Stored s : pending) {
            try {
                BatchRequest request = BatchRequest.parse(Buffer.buffer(s.request()), Integer.MAX_VALUE);
                Deferred batch = new Deferred(s.id(), s.next(), request, BatchRendering.of(request),
                        InetAddress.getByName(s.client()));
                LOG.log(System.Logger.Level.INFO, "inject: resuming batch " + new MessageId(s.id()) + " at recipient "
                        + s.next() + " of " + request.recipients().size());
                threads.execute(() -> expandStored(batch, context));
            } catch (ApiException | UnknownHostException e) {
                LOG.log(System.Logger.Level.WARNING, "inject: stored batch " + new MessageId(s.id())
                        + " cannot be resumed: " + e.getMessage());
            }
        }
    }

    /** Stops expanding (a batch in progress records where it stands) and waits for the threads; before Vert.x closes. */
    void close() {
        stopping = true;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "inject: expansion still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
