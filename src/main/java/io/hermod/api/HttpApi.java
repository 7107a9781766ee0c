package io.hermod.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * The HTTP server. Liveness says the process answers; readiness says it should get traffic: the
 * spool is open and the SMTP listeners are bound (and, later, it is not draining).
 */
public final class HttpApi {

    private final Vertx vertx;
    private final BooleanSupplier ready;

    public HttpApi(Vertx vertx, BooleanSupplier ready) {
        this.vertx = vertx;
        this.ready = ready;
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> status(ctx, true));
        router.get("/health/ready").handler(ctx -> status(ctx, ready.getAsBoolean()));
        return router;
    }

    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer().requestHandler(router()).listen(port, host);
    }

    private static void status(RoutingContext ctx, boolean up) {
        ctx.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
    }
}
