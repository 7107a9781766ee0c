package io.hermod.api;

import io.hermod.config.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server on {@code http.listen}: health probes, {@code /metrics}, and the JSON API under
 * {@code /api/v1} (message injection, queue administration, message lookup and deletion, the
 * suppression list). When {@code http.token} is set every {@code /api} request needs it as a
 * bearer token; the probes and {@code /metrics} stay open, since Kubernetes and Prometheus call
 * them without credentials.
 *
 * <p>Liveness says the process answers; readiness says it should get traffic: the spool is open,
 * the SMTP listeners are bound and it is not draining.
 *
 * <p>The server speaks HTTP/1.1. A connection silent for {@code http.idle_timeout} is closed, and at most
 * {@code http.max_connections} are open at once ({@link ConnectionCap}). An API call acts only on
 * a whole request: a body cut short or mis-chunked is never acted on. Whatever breaks in a
 * request gets a JSON answer or a close from {@link RequestFailures}, never a stack trace in the
 * log.
 */
public final class HttpApi {

    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    /** What a bodiless API call reads and drops of a body sent anyway; more is a 413. */
    static final long NO_BODY_LIMIT = 4096;

    private final Vertx vertx;
    private final ApiServices services;
    private final BatchInjection batches;

    public HttpApi(Vertx vertx, ApiServices services) {
        this.vertx = vertx;
        this.services = services;
        this.batches = new BatchInjection(vertx, services, Clock.systemDefaultZone());
    }

    /** Expands the deferred batch injections an earlier run left unfinished; once, after the spool's recovery. */
    public void resumeInjections() {
        batches.resume();
    }

    /** Stops batch expansion (what is unfinished resumes at the next start); before Vert.x closes. */
    public void close() {
        batches.close();
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(PathSyntax::check);
        router.get("/health/live").handler(ctx -> status(ctx, true));
        router.get("/health/ready").handler(ctx -> status(ctx, services.ready().getAsBoolean()));
        if (services.metrics() != null) {
            router.get("/metrics").handler(services.metrics());
        }
        // First on /api, so nothing (not even a large body) is read for a caller without the token.
        services.config().http().token().ifPresent(token -> router.route("/api/*").handler(new BearerAuth(token)));

        long maxMessageSize = services.config().smtp().maxMessageSize();
        long bodyLimit = MessageInjection.bodyLimit(maxMessageSize);
        // A route of its own: Vert.x wants a body handler first on the route that reads the body.
        if (services.handoff() != null) {
            // Intake is closed (draining, handing off): the API takes no new mail either.
            router.post("/api/v1/messages").handler(ctx -> {
                if (services.handoff().intakeClosed()) {
                    JsonResponse.error(ctx, 503, "intake closed: this pod is draining or handing off its queue");
                } else {
                    ctx.next();
                }
            });
        }
        router.post("/api/v1/messages").handler(new InjectionAdmission(InjectionAdmission.MAX_IN_PROGRESS,
                services.memory(), bodyLimit));
        router.post("/api/v1/messages")
                .handler(BodyHandler.create(false).setBodyLimit(bodyLimit).setPreallocateBodyBuffer(true))
                .handler(new MessageInjection(vertx, services, Clock.systemDefaultZone()))
                .failureHandler(tooLarge("request body larger than " + bodyLimit
                        + " octets (smtp.max_message_size x 1.4 + 64 KiB)"));
        router.post("/api/v1/inject").handler(new InjectionAdmission(BatchInjection.THREADS, services.memory(),
                bodyLimit));
        router.post("/api/v1/inject")
                .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
                .handler(batches)
                .failureHandler(tooLarge("request body larger than " + bodyLimit
                        + " octets (smtp.max_message_size x 1.4 + 64 KiB)"));
        // The other calls take no body, but each reads its request to the end before it acts, so
        // that one cut short or mis-chunked changes nothing. (On each route, not on /api/v1/*: a
        // route matching every method would hide the 405 of an earlier one.)
        Handler<RoutingContext> wholeRequest = BodyHandler.create(false).setBodyLimit(NO_BODY_LIMIT);
        new QueueRoutes(vertx, services.admin(), services.events()).mount(router, wholeRequest);
        new MessageRoutes(vertx, services.spool(), services.admin(), services.events()).mount(router, wholeRequest);
        new SuppressionRoutes(vertx, services.spool().suppressions(), services.events()).mount(router, wholeRequest);
        if (services.handoff() != null) {
            new HandoffRoutes(vertx, services.handoff(), services.events(), services.ready(), maxMessageSize)
                    .mount(router, wholeRequest, tooLarge("request body larger than "
                            + HandoffRoutes.transferLimit(maxMessageSize) + " octets"));
        }
        if (services.sites() != null) {
            new SiteRoutes(vertx, services.sites(), services.events()).mount(router, wholeRequest);
        }

        router.route().failureHandler(RequestFailures::routed);

        // For what routing itself answers: no route, wrong method, and as a last resort (vertx-web
        // calls these when a failure handler throws) a bad request or a failure.
        router.errorHandler(400, ctx -> JsonResponse.error(ctx, 400, "bad request"));
        router.errorHandler(404, ctx -> JsonResponse.error(ctx, 404, "no such resource: " + ctx.request().path()));
        router.errorHandler(405, ctx -> JsonResponse.error(ctx, 405,
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
        router.errorHandler(500, ctx -> JsonResponse.failure(ctx,
                ctx.failure() == null ? new IllegalStateException("status 500") : ctx.failure(), LOG));
        return router;
    }

    /** Listens with {@code http.idle_timeout} and {@code http.max_connections} from the configuration. */
    public Future<HttpServer> listen(String host, int port) {
        HttpConfig http = services.config().http();
        return vertx.createHttpServer(serverOptions(http))
                .connectionHandler(new ConnectionCap(http.maxConnections()))
                .invalidRequestHandler(RequestFailures::unparsed)
                .requestHandler(router())
                .listen(port, host);
    }

    private static HttpServerOptions serverOptions(HttpConfig http) {
        // HTTP/1.1 only: probes, Prometheus and API clients need nothing more; an HTTP/2 connection
        // would carry any number of requests past the connection cap; and Vert.x logs a broken
        // HTTP/2 preface as SEVERE before any handler of ours can see it.
        // The idle timeout in milliseconds: the key is a Duration (1s..1h, so it fits an int).
        return new HttpServerOptions()
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(Math.toIntExact(http.idleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** A route's own answer to its BodyHandler's 413; any other failure goes on to {@link RequestFailures}. */
    private static Handler<RoutingContext> tooLarge(String reason) {
        return ctx -> {
            if (ctx.statusCode() == 413) {
                RequestFailures.answerAndClose(ctx.request(), 413, reason); // the rest of the body stays unread
            } else {
                ctx.next();
            }
        };
    }

    private static void status(RoutingContext ctx, boolean up) {
        JsonResponse.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
    }
}
