package io.hermod.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every answer of the API is a JSON object; errors are {@code {"error": reason}}. */
final class JsonResponse {

    private JsonResponse() {
    }

    static void send(RoutingContext ctx, int status, JsonObject body) {
        send(ctx.response(), status, body);
    }

    /** Also for a request that never reached the router; completes once the answer is written. */
    static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
        if (response.headWritten() || response.closed()) {
            // the client went away, or another handler already answered
            return Future.succeededFuture();
        }
        return response
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body.encode());
    }

    static void error(RoutingContext ctx, int status, String reason) {
        send(ctx, status, new JsonObject().put("error", reason));
    }

    static Future<Void> error(HttpServerResponse response, int status, String reason) {
        return send(response, status, new JsonObject().put("error", reason));
    }

    /** Answers with the status and reason of an {@link ApiException}, or 500 for anything else. */
    static void failure(RoutingContext ctx, Throwable failure, System.Logger log) {
        if (failure instanceof ApiException refused) {
            error(ctx, refused.status(), refused.getMessage());
            return;
        }
        log.log(System.Logger.Level.ERROR, "api: " + ctx.request().method() + " " + ctx.request().path()
                + " failed", failure);
        error(ctx, 500, "internal error");
    }
}
