package io.hermod.shaping;

import java.util.Collection;
import java.util.Locale;

/**
 * How a provider block recognises its sites: {@code mx_suffix} (every MX host of the site ends with
 * it, as KumoMTA's provider matching), {@code mx} (one of the MX hosts is exactly it) or
 * {@code domain_suffix} (the recipient domain is it or ends with {@code .it}).
 */
public record ProviderMatch(Kind kind, String value) {

    public enum Kind { MX_SUFFIX, MX, DOMAIN_SUFFIX }

    public ProviderMatch {
        value = value.toLowerCase(Locale.ROOT);
        while (value.endsWith(".") && value.length() > 1) {
            value = value.substring(0, value.length() - 1);
        }
    }

    /** @param mxHosts lower-case host names without a trailing dot; empty for a static route */
    public boolean matches(String domain, Collection<String> mxHosts) {
        return switch (kind) {
            case DOMAIN_SUFFIX -> {
                String d = domain.toLowerCase(Locale.ROOT);
                String suffix = value.startsWith(".") ? value.substring(1) : value;
                yield d.equals(suffix) || d.endsWith("." + suffix);
            }
            case MX -> mxHosts.contains(value);
            case MX_SUFFIX -> !mxHosts.isEmpty() && mxHosts.stream().allMatch(this::endsWith);
        };
    }

    private boolean endsWith(String host) {
        String suffix = value.startsWith(".") ? value.substring(1) : value;
        return host.equals(suffix) || host.endsWith("." + suffix);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ": " + value;
    }
}
