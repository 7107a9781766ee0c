package io.hermod.api;

import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/** How {@code GET /api/v1/messages/{id}} shows a spooled message: its envelope, never its bytes. */
final class EnvelopeJson {

    private EnvelopeJson() {
    }

    static JsonObject of(Envelope envelope) {
        JsonArray recipients = new JsonArray();
        for (Recipient r : envelope.recipients()) {
            recipients.add(new JsonObject()
                    .put("address", r.address())
                    .put("state", r.state().name().toLowerCase(Locale.ROOT))
                    .put("attempts", r.attempts())
                    // 0 means "due now" (or, for a final recipient, never again): no time to show.
                    .put("next_attempt", r.nextAttemptMillis() == 0 ? null : iso(r.nextAttemptMillis()))
                    .put("last_result", r.lastResult().isEmpty() ? null : r.lastResult())
                    .put("category", r.category().isEmpty() ? null : r.category()));
        }
        return new JsonObject()
                .put("id", envelope.id().toString())
                .put("sender", envelope.sender())
                .put("arrival", iso(envelope.arrivalMillis()))
                .put("size", envelope.bodySize())
                .put("eight_bit", envelope.eightBit())
                .put("smtputf8", envelope.smtpUtf8())
                .put("client_name", envelope.clientName())
                .put("client_address", envelope.clientAddress())
                .put("recipients", recipients);
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
