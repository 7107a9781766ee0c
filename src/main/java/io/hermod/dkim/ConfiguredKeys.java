package io.hermod.dkim;

import io.hermod.config.DkimConfig;
import io.hermod.config.DkimSignerConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** The signing keys {@code dkim.domains} and {@code dkim.default} name, loaded at start-up. */
public final class ConfiguredKeys {

    private ConfiguredKeys() {
    }

    /**
     * Reads every configured key file. A file that is not a usable key stops start-up: the
     * exception's message names the setting and the problem
     * ({@code dkim.domains.example.com[0].key: /etc/hermod/dkim.pem: RSA key of 512 bits ...}).
     */
    public static DkimKeys load(DkimConfig config) {
        List<SigningKey> keys = new ArrayList<>();
        for (Map.Entry<String, List<DkimSignerConfig>> domain : config.domains().entrySet()) {
            List<DkimSignerConfig> signers = domain.getValue();
            for (int i = 0; i < signers.size(); i++) {
                keys.add(load(signers.get(i), "dkim.domains." + domain.getKey() + "[" + i + "].key"));
            }
        }
        List<SigningKey> defaults = config.defaultSigner().map(s -> List.of(load(s, "dkim.default.key")))
                .orElse(List.of());
        return new DkimKeys(keys, defaults);
    }

    private static SigningKey load(DkimSignerConfig c, String where) {
        try {
            return SigningKey.load(c.key(), c.domain(), c.selector(), Algorithm.parse(c.algorithm()),
                    c.headers().isEmpty() ? SigningKey.DEFAULT_HEADERS : c.headers(),
                    c.overSign().isEmpty() ? SigningKey.DEFAULT_OVER_SIGNED : new LinkedHashSet<>(c.overSign()),
                    c.expire(), canonicalization(c.headerCanonicalization()),
                    canonicalization(c.bodyCanonicalization()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Canonicalization canonicalization(String tag) {
        return DkimSignerConfig.SIMPLE.equals(tag) ? Canonicalization.SIMPLE : Canonicalization.RELAXED;
    }
}
