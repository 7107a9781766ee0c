package io.hermod.intake;

import io.hermod.spool.MessageId;
import java.util.List;

/**
 * A header field Hermod adds to every message it accepts for relaying, after its own
 * {@code Received:} and before the client's header section, so DKIM signing (which sees the
 * message as stored) covers it: {@code X-Hermod-Ref}, which a feedback report quotes back.
 */
@FunctionalInterface
public interface TraceHeader {

    /** Adds nothing ({@code feedback.secret} unset). */
    TraceHeader NONE = (id, sender, recipients) -> new byte[0];

    /** The field, CRLF-terminated; empty for none. */
    byte[] field(MessageId id, String sender, List<String> recipients);
}
