package io.hermod.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/**
 * The HTTP server on {@code http.listen}: health probes, {@code /metrics}, and the JSON API under
 * {@code /api/v1} (message injection, queue administration, message lookup and deletion). When
 * {@code http.token} is set every {@code /api} request needs it as a bearer token; the probes and
 * {@code /metrics} stay open, since Kubernetes and Prometheus call them without credentials.
 *
 * <p>Liveness says the process answers; readiness says it should get traffic: the spool is open,
 * the SMTP listeners are bound and it is not draining.
 */
public final class HttpApi {

    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

    private final Vertx vertx;
    private final ApiServices services;

    public HttpApi(Vertx vertx, ApiServices services) {
        this.vertx = vertx;
        this.services = services;
    }

    public Router router() {
        Router router = Router.router(vertx);
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
        router.post("/api/v1/messages").handler(new InjectionAdmission(InjectionAdmission.MAX_IN_PROGRESS));
        router.post("/api/v1/messages")
                .handler(BodyHandler.create(false).setBodyLimit(bodyLimit).setPreallocateBodyBuffer(true))
                .handler(new MessageInjection(vertx, services, Clock.systemDefaultZone()));
        new QueueRoutes(vertx, services.admin(), services.events()).mount(router);
        new MessageRoutes(vertx, services.spool(), services.admin(), services.events()).mount(router);

        router.errorHandler(400, ctx -> JsonResponse.error(ctx, 400, "bad request"));
        router.errorHandler(404, ctx -> JsonResponse.error(ctx, 404, "no such resource: " + ctx.request().path()));
        router.errorHandler(405, ctx -> JsonResponse.error(ctx, 405,
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
        router.errorHandler(413, ctx -> JsonResponse.error(ctx, 413, "request body larger than " + bodyLimit
                + " octets (smtp.max_message_size x 1.4 + 64 KiB)"));
        router.errorHandler(500, ctx -> JsonResponse.failure(ctx,
                ctx.failure() == null ? new IllegalStateException("status 500") : ctx.failure(), LOG));
        return router;
    }

    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer().requestHandler(router()).listen(port, host);
    }

    private static void status(RoutingContext ctx, boolean up) {
        JsonResponse.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
    }
}
