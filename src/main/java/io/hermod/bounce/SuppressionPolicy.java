package io.hermod.bounce;

import io.hermod.config.SuppressionConfig;
import io.hermod.spool.Suppression;
import io.hermod.spool.Suppressions;
import java.util.Optional;
import java.util.Set;

/**
 * Which bounces put their recipient on the suppression list ({@code suppression.*}), and the
 * entry they get: those that say the address does not exist or is no longer used
 * ({@code invalid-recipient}, {@code inactive-mailbox}), with the category as its reason, the
 * configured scope, and an expiry {@code suppression.ttl} after the bounce. Other sources (a bounce
 * that arrives later by mail, a complaint) can ask {@link #entry} for the same entry.
 */
public final class SuppressionPolicy {

    /** Suppression off: no bounce adds anything. */
    public static final SuppressionPolicy OFF =
            new SuppressionPolicy(new SuppressionConfig(false, Optional.empty(), SuppressionConfig.Scope.GLOBAL));

    private static final Set<BounceCategory> SUPPRESSING =
            Set.of(BounceCategory.INVALID_RECIPIENT, BounceCategory.INACTIVE_MAILBOX);

    private final SuppressionConfig config;

    public SuppressionPolicy(SuppressionConfig config) {
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The entry a bounce of {@code recipient}, sent by {@code sender}, adds; empty when it adds none. */
    public Optional<Suppression> afterBounce(String sender, String recipient, BounceCategory category, long nowMillis) {
        if (!config.enabled() || category == null || !SUPPRESSING.contains(category)) {
            return Optional.empty();
        }
        return entry(sender, recipient, category.label(), nowMillis);
    }

    /**
     * The entry that suppresses {@code recipient} for {@code reason} in the configured scope, from
     * now until {@code suppression.ttl} has passed. Empty when suppression is off, or when the scope
     * is the sender's domain and the sender is the null sender {@code <>} (there is none).
     */
    public Optional<Suppression> entry(String sender, String recipient, String reason, long nowMillis) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        String scope = config.scope() == SuppressionConfig.Scope.GLOBAL ? Suppression.GLOBAL : Suppressions.domainOf(sender);
        if (config.scope() == SuppressionConfig.Scope.SENDER_DOMAIN && scope.isEmpty()) {
            return Optional.empty();
        }
        long expires = config.ttl().map(ttl -> nowMillis + ttl.toMillis()).orElse(0L);
        return Optional.of(new Suppression(scope, recipient, reason, nowMillis, expires));
    }
}
