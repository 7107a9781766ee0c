package io.hermod.intake;

import io.hermod.config.SuppressionConfig;
import io.hermod.spool.Suppression;
import io.hermod.spool.Suppressions;
import java.util.Optional;

/**
 * Whether mail from a sender to a recipient is refused because the recipient is on the
 * suppression list ({@code suppression.*}): the entry that refuses it, or empty. Called on the
 * event loop for every RCPT and every recipient of an HTTP injection, so implementations must be
 * quick (the spool's is two RocksDB point gets of a small family, see {@link io.hermod.spool.Suppressions}).
 */
@FunctionalInterface
public interface SuppressionCheck {

    /** Suppression off: refuses nothing. */
    SuppressionCheck NONE = (sender, recipient) -> Optional.empty();

    Optional<Suppression> find(String sender, String recipient);

    /** The entries of {@code list} in force now, when {@code suppression.enabled}; else {@link #NONE}. */
    static SuppressionCheck of(SuppressionConfig config, Suppressions list) {
        if (!config.enabled()) {
            return NONE;
        }
        return (sender, recipient) -> list.find(sender, recipient, System.currentTimeMillis());
    }
}
