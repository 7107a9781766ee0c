package io.hermod.api;

import io.hermod.eventlog.EventSink;
import io.hermod.spool.Suppression;
import io.hermod.spool.Suppressions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bulk transfer of the suppression list as JSON lines, one entry per line in the form of
 * {@link SuppressionRoutes#json}, or as CSV ({@link SuppressionCsv}): {@code GET
 * /api/v1/suppressions/export} streams every entry in force, a page at a time, and {@code POST
 * /api/v1/suppressions/import} adds every line of its body in one durable write, or none when a
 * line is bad (400 naming the line). CSV is chosen by {@code ?format=csv}, or by
 * {@code Accept: text/csv} on export and {@code Content-Type: text/csv} on import. On import only
 * {@code address} is required: {@code scope} defaults to global, {@code reason} to manual,
 * {@code added} to now, {@code expires} to never. What export writes, import reads back unchanged.
 */
final class SuppressionTransfer {

    private static final System.Logger LOG = System.getLogger(SuppressionTransfer.class.getName());
    /** Entries read per worker call while exporting. */
    private static final int EXPORT_PAGE = 1000;
    /** Import body limit: about 100,000 lines of typical length. */
    static final long IMPORT_LIMIT = 16L * 1024 * 1024;

    private final Vertx vertx;
    private final Suppressions list;
    private final EventSink events;

    SuppressionTransfer(Vertx vertx, Suppressions list, EventSink events) {
        this.vertx = vertx;
        this.list = list;
        this.events = events;
    }

    void export(RoutingContext ctx) {
        boolean csv = csv(ctx, ctx.request().getHeader("accept"));
        ctx.response().setChunked(true)
                .putHeader("content-type", csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson")
                .putHeader("cache-control", "no-store");
        if (csv) {
            ctx.response().write(SuppressionCsv.HEADER + "\r\n");
        }
        exportFrom(ctx, null, System.currentTimeMillis(), csv);
    }

    /** CSV when {@code ?format=csv}, or when {@code format} is absent and the media type is text/csv. */
    private static boolean csv(RoutingContext ctx, String mediaType) {
        String format = ctx.request().getParam("format");
        if (format != null) {
            return format.equalsIgnoreCase("csv");
        }
        return mediaType != null && mediaType.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private void exportFrom(RoutingContext ctx, Suppression after, long now, boolean csv) {
        vertx.executeBlocking(() -> after == null ? list.page(null, null, EXPORT_PAGE, now)
                : list.page(after.scope(), after.address(), EXPORT_PAGE, now), false).onComplete(result -> {
                    HttpServerResponse response = ctx.response();
                    if (result.failed()) {
                        LOG.log(System.Logger.Level.WARNING, "api: suppression export failed: "
                                + result.cause().getMessage());
                        // Headers are out already; a reset tells the client the list is incomplete.
                        response.reset();
                        return;
                    }
                    List<Suppression> page = result.result();
                    if (page.isEmpty()) {
                        response.end();
                        return;
                    }
                    Buffer chunk = Buffer.buffer();
                    for (Suppression entry : page) {
                        if (csv) {
                            chunk.appendString(SuppressionCsv.record(entry));
                        } else {
                            chunk.appendString(SuppressionRoutes.json(entry).encode()).appendByte((byte) '\n');
                        }
                    }
                    response.write(chunk).onSuccess(v -> {
                        if (page.size() < EXPORT_PAGE) {
                            response.end();
                        } else if (!response.closed()) {
                            exportFrom(ctx, page.get(page.size() - 1), now, csv);
                        }
                    });
                });
    }

    void importLines(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        List<Suppression> entries;
        try {
            String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
            entries = csv(ctx, ctx.request().getHeader("content-type"))
                    ? SuppressionCsv.parse(text, System.currentTimeMillis()) : parse(text, System.currentTimeMillis());
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        Context context = vertx.getOrCreateContext();
        Future.fromCompletionStage(list.addAll(entries), context).onComplete(result -> {
            if (result.failed()) {
                LOG.log(System.Logger.Level.WARNING, "api: suppression import failed: " + result.cause().getMessage());
                JsonResponse.error(ctx, 503, "spool: suppression import failed: " + result.cause().getMessage());
                return;
            }
            events.append(ApiEvents.adminAction(null, "import " + entries.size() + " suppression entries",
                    System.currentTimeMillis()));
            JsonResponse.send(ctx, 200, new JsonObject().put("imported", entries.size()));
        });
    }

    /** Every non-blank line as an entry; the first bad one is a 400 naming its line number. */
    static List<Suppression> parse(String text, long nowMillis) {
        List<Suppression> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                entries.add(entry(new JsonObject(lines[i]), nowMillis));
            } catch (ApiException e) {
                throw ApiException.badRequest("line " + (i + 1) + ": " + e.getMessage());
            } catch (DecodeException | ClassCastException e) {
                throw ApiException.badRequest("line " + (i + 1) + ": not a JSON object with string fields");
            }
        }
        return entries;
    }

    /** An entry from the JSON-lines form of one entry (what a CSV record is read into too). */
    static Suppression entry(JsonObject line, long nowMillis) {
        String address = SuppressionRoutes.address(line.getString("address"));
        String scope = line.getString("scope", "global");
        scope = scope.equals("global") ? Suppression.GLOBAL : SuppressionRoutes.domain(scope);
        String reason = line.getString("reason", Suppression.MANUAL);
        if (reason.isBlank() || reason.length() > 200) {
            throw ApiException.badRequest("reason: must be 1 to 200 characters");
        }
        long added = time(line.getString("added"), "added", nowMillis);
        long expires = time(line.getString("expires"), "expires", 0);
        return new Suppression(scope, address, reason, added, expires);
    }

    private static long time(String text, String field, long absent) {
        if (text == null) {
            return absent;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + ": not an ISO-8601 instant such as 2026-01-31T12:00:00Z: \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"");
        }
    }
}
