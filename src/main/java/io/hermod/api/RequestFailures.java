package io.hermod.api;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * What a request that fails gets, wherever it fails. A request the client broke (bad chunked
 * encoding, a body cut short, a request line or header that does not parse, a connection reset)
 * gets a JSON 4xx, or only a close when there is nobody left to answer, and at most a debug line
 * in the log: never a stack trace, which would let any client fill the log. Only a failure of
 * Hermod's own (a handler that throws) is a 500 logged with its stack trace. (Vert.x 5.0.8 itself
 * stays quiet about resets and broken connections on HTTP/1.1, so the server needs no exception
 * handler; the HTTP/2 preface errors it does log are kept out by serving HTTP/1.1 only.)
 */
final class RequestFailures {

    private static final System.Logger LOG = System.getLogger(RequestFailures.class.getName());

    private RequestFailures() {
    }

    /** The router's last failure handler: every failed request that no route answered ends here. */
    static void routed(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        Throwable failure = ctx.failure();
        int status = ctx.statusCode();
        if (response.closed()) {
            // The client closed or reset the connection mid-request: nobody to answer.
            LOG.log(System.Logger.Level.DEBUG, () -> "http: " + describe(ctx) + ": connection lost: " + failure);
            return;
        }
        if (failure instanceof ApiException refused) {
            JsonResponse.error(ctx, refused.status(), refused.getMessage());
            return;
        }
        if (status == -1) {
            // A handler threw: Hermod's own bug, logged with its stack trace. An answer already under
            // way cannot turn into an error any more, only be cut off.
            JsonResponse.failure(ctx, failure, LOG);
            if (!response.ended()) {
                response.reset();
            }
            return;
        }
        // A status a handler chose. BodyHandler fails with 413 for a body over its limit, and when
        // the request stream breaks (bad chunk size, truncated body) with 400, or in vertx-web
        // 5.0.8 with 200 unless the cause is a Netty DecoderException.
        int answer = status < 400 ? 400 : status;
        String reason = answer == 413 ? "request body: larger than this call accepts"
                : failure == null ? "request: refused"
                : "request: could not be read: " + abbreviate(String.valueOf(failure.getMessage()));
        if (ctx.request().isEnded()) {
            JsonResponse.error(ctx, answer, reason);
        } else {
            answerAndClose(ctx.request(), answer, reason); // the rest of the request is unread or unreadable
        }
    }

    /**
     * Answers and then closes the connection of a request that was not read to its end: the
     * decoder cannot find the next request in it. (Vert.x would keep the connection for a
     * {@code Connection: close} response header alone.)
     */
    static void answerAndClose(HttpServerRequest request, int status, String reason) {
        request.response().putHeader("connection", "close");
        JsonResponse.error(request.response(), status, reason).onComplete(sent -> drainThenClose(request));
    }

    /** How long the rest of a refused request body is read and dropped before the connection is closed. */
    static final long LINGER_MILLIS = 2000;

    /**
     * Closing a connection while the client is still sending makes the kernel answer with a reset,
     * which can reach the client before it has read the answer (RFC 9112 9.6). So what the client
     * still sends is read and dropped until the request ends or {@link #LINGER_MILLIS} pass, and
     * only then is the connection closed.
     */
    private static void drainThenClose(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        Context context = Vertx.currentContext();
        if (request.isEnded() || context == null) {
            connection.close();
            return;
        }
        long timer = context.owner().setTimer(LINGER_MILLIS, id -> connection.close());
        try {
            request.handler(dropped -> { });
            request.endHandler(v -> {
                context.owner().cancelTimer(timer);
                connection.close();
            });
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            context.owner().cancelTimer(timer);
            connection.close();
        }
    }

    /**
     * The server's invalid-request handler, for a request line or header section that does not
     * parse: the same statuses as Vert.x's default (414, 431, else 400) but with a JSON reason,
     * and the connection closed after it.
     */
    static void unparsed(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        int status;
        String reason;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            reason = "request: the request line is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            reason = "request: the header section is too large";
        } else {
            status = 400;
            reason = "request: not a valid HTTP request" + (cause == null || cause.getMessage() == null ? ""
                    : " (" + abbreviate(cause.getMessage()) + ")");
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "http: invalid request from " + request.remoteAddress() + ": " + cause);
        answerAndClose(request, status, reason);
    }

    private static String describe(RoutingContext ctx) {
        return ctx.request().method() + " " + abbreviate(ctx.request().path());
    }

    private static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
