package io.hermod.shaping;

import java.util.Map;
import java.util.Optional;

/**
 * The limits a provider's sites share, taken only from what provider blocks set (the built-in
 * file's and the operator's, and their entries for the source): {@code default} and hermod.yaml
 * values stay per site. Null where no provider block sets the key, or the rate is unlimited.
 */
public record ProviderLimits(Integer connectionLimit, Rate messageRate, Rate connectionRate) {

    public static final ProviderLimits NONE = new ProviderLimits(null, null, null);

    @SuppressWarnings("unchecked")
    static ProviderLimits of(Map<ShapingKey, Object> set) {
        Object rate = set.get(ShapingKey.MAX_MESSAGE_RATE);
        Object connect = set.get(ShapingKey.MAX_CONNECTION_RATE);
        return new ProviderLimits((Integer) set.get(ShapingKey.CONNECTION_LIMIT),
                rate == null ? null : ((Optional<Rate>) rate).orElse(null),
                connect == null ? null : ((Optional<Rate>) connect).orElse(null));
    }
}
