package io.hermod.feedback;

import io.hermod.config.FeedbackConfig;
import io.hermod.delivery.ReturnPath;
import io.hermod.spool.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code delivery.return_path}: the outbound MAIL FROM becomes {@code b-<token>@<domain>}, the
 * token naming the message and, when the transaction carries one recipient, that recipient's tag
 * (see {@link References}). With several recipients per transaction a bounce is matched to its
 * recipient by the address it reports; {@code delivery.max_recipients_per_transaction: 1} gives
 * every recipient its own return path. The null sender is never rewritten (so the DSNs Hermod
 * sends go out as {@code <>}).
 */
public final class ReturnPaths {

    private ReturnPaths() {
    }

    /** The return path {@code config} asks for: VERP under its domain, or the envelope's sender. */
    public static ReturnPath of(FeedbackConfig config) {
        if (config.returnPath().isEmpty() || config.secret().isEmpty()) {
            return ReturnPath.ENVELOPE;
        }
        References references = new References(config.secret().get());
        String domain = config.returnPath().get();
        return (envelope, indexes) -> envelope.isNullSender() ? ""
                : references.returnLocalPart(envelope.id(), addresses(envelope, indexes)) + "@" + domain;
    }

    private static List<String> addresses(Envelope envelope, List<Integer> indexes) {
        List<String> out = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            out.add(envelope.recipients().get(i).address());
        }
        return out;
    }
}
