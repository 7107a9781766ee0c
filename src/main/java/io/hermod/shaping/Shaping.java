package io.hermod.shaping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shaping in force: the base values (hermod.yaml's {@code delivery.*} and fixed defaults), the
 * built-in file from the jar, then the operator's file. For one site × source the values are laid
 * over each other from the least specific block to the most, and within the same block from the
 * built-in file to the operator's: {@code default}, its {@code sources} entry, the site's provider,
 * its source entry, the domain, its source entry. So an operator's {@code default} does not undo
 * the built-in Gmail limits, while an operator's {@code providers.gmail} block does. Immutable.
 */
public final class Shaping {

    /** Where the built-in file lives, beside this class. */
    static final String BUILT_IN = "defaults.yaml";

    private final EnumMap<ShapingKey, Object> base;
    private final EnumMap<ShapingKey, String> baseOrigins;
    private final List<ShapingFile> layers;
    private final List<String> providerOrder;
    private final Map<String, Source> sources;
    private final Map<String, Map<String, Integer>> pools;
    private final Map<String, String> poolBySender;

    public Shaping(Map<ShapingKey, Object> base, Map<ShapingKey, String> baseOrigins, List<ShapingFile> layers) {
        this.base = new EnumMap<>(base);
        this.baseOrigins = new EnumMap<>(baseOrigins);
        this.layers = List.copyOf(layers);
        // Providers the operator adds are tried before the built-in ones, so a narrower one of theirs wins.
        List<String> order = new ArrayList<>();
        for (int i = this.layers.size() - 1; i >= 0; i--) {
            for (Block p : this.layers.get(i).providers()) {
                if (!order.contains(p.name())) {
                    order.add(p.name());
                }
            }
        }
        this.providerOrder = List.copyOf(order);
        // A provider block may refine one of an earlier file without repeating its match; a new one needs its own.
        for (ShapingFile f : this.layers) {
            for (Block p : f.providers()) {
                if (matchesOf(p.name()).isEmpty()) {
                    throw new ShapingException(f.origin() + ": providers." + p.name()
                            + ".match: a provider needs at least one match (mx_suffix, mx or domain_suffix)");
                }
            }
        }
        Map<String, Source> s = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> p = new LinkedHashMap<>();
        Map<String, String> bySender = new LinkedHashMap<>();
        for (ShapingFile f : this.layers) {
            s.putAll(f.sources());
            p.putAll(f.pools());
            bySender.putAll(f.poolBySenderDomain());
        }
        s.putIfAbsent(Source.DEFAULT_NAME, Source.unbound());
        p.putIfAbsent(Source.DEFAULT_NAME, Map.of(Source.DEFAULT_NAME, 1));
        this.sources = Map.copyOf(s);
        this.pools = Map.copyOf(p);
        this.poolBySender = Map.copyOf(bySender);
    }

    /** The built-in file shipped in the jar. */
    public static ShapingFile builtIn() {
        try (InputStream in = Shaping.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " missing beside " + Shaping.class.getName());
            }
            return ShapingFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in shaping file", e);
        }
    }

    /** The provider whose match the site meets (operator's first, then built-in), or null. */
    public String provider(String domain, Collection<String> mxHosts) {
        for (String name : providerOrder) {
            for (ProviderMatch m : matchesOf(name)) {
                if (m.matches(domain, mxHosts)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** A provider's matches: those of the last file that gives any. */
    private List<ProviderMatch> matchesOf(String provider) {
        List<ProviderMatch> matches = List.of();
        for (ShapingFile f : layers) {
            for (Block p : f.providers()) {
                if (p.name().equals(provider) && !p.matches().isEmpty()) {
                    matches = p.matches();
                }
            }
        }
        return matches;
    }

    /**
     * Whether {@code domain} has a block of its own: its mail then has a site of its own rather than
     * sharing its MX hosts' site with other domains, so that the block's limits are its alone.
     */
    public boolean hasDomainBlock(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return layers.stream().anyMatch(f -> f.domains().containsKey(d));
    }

    /**
     * The values for one site × source.
     *
     * @param domain   the domain the site was created for when it has a block of its own, else null
     * @param provider from {@link #provider}, or null
     */
    public SiteShaping resolve(String domain, String provider, String source) {
        EnumMap<ShapingKey, Object> values = new EnumMap<>(base);
        EnumMap<ShapingKey, String> origins = new EnumMap<>(baseOrigins);
        List<Block> chain = new ArrayList<>();
        for (ShapingFile f : layers) {
            chain.add(f.defaults());
        }
        applyAll(chain, source, values, origins);
        if (provider != null) {
            chain.clear();
            for (ShapingFile f : layers) {
                f.providers().stream().filter(p -> p.name().equals(provider)).forEach(chain::add);
            }
            applyAll(chain, source, values, origins);
        }
        if (domain != null) {
            chain.clear();
            for (ShapingFile f : layers) {
                Block b = f.domains().get(domain.toLowerCase(Locale.ROOT));
                if (b != null) {
                    chain.add(b);
                }
            }
            applyAll(chain, source, values, origins);
        }
        return new SiteShaping(values, origins);
    }

    /** What the provider's blocks alone set for {@code source}: the limits all its sites share. */
    public ProviderLimits providerLimits(String provider, String source) {
        if (provider == null) {
            return ProviderLimits.NONE;
        }
        EnumMap<ShapingKey, Object> set = new EnumMap<>(ShapingKey.class);
        List<Block> blocks = new ArrayList<>();
        for (ShapingFile f : layers) {
            f.providers().stream().filter(p -> p.name().equals(provider)).forEach(blocks::add);
        }
        for (Block b : blocks) {
            set.putAll(b.values());
        }
        for (Block b : blocks) {
            Map<ShapingKey, Object> forSource = b.sources().get(source);
            if (forSource != null) {
                set.putAll(forSource);
            }
        }
        return ProviderLimits.of(set);
    }

    /** The blocks' own keys in file order, then their keys for {@code source} in file order. */
    private void applyAll(List<Block> blocks, String source, EnumMap<ShapingKey, Object> values,
                          EnumMap<ShapingKey, String> origins) {
        for (Block b : blocks) {
            String file = originOf(b);
            b.values().forEach((k, v) -> {
                values.put(k, v);
                origins.put(k, b.origin(file, null));
            });
        }
        for (Block b : blocks) {
            String file = originOf(b);
            Map<ShapingKey, Object> forSource = b.sources().get(source);
            if (forSource != null) {
                forSource.forEach((k, v) -> {
                    values.put(k, v);
                    origins.put(k, b.origin(file, source));
                });
            }
        }
    }

    private String originOf(Block b) {
        for (ShapingFile f : layers) {
            if (f.defaults() == b || f.providers().contains(b) || f.domains().containsValue(b)) {
                return f.origin();
            }
        }
        return "?";
    }

    /**
     * The automation rules for a site: the top-level ones of every file, then the provider's; a
     * later rule with the same name replaces an earlier one (an operator overrides a built-in rule
     * by reusing its name).
     */
    public List<AutomationRule> rules(String provider) {
        Map<String, AutomationRule> byName = new LinkedHashMap<>();
        for (ShapingFile f : layers) {
            f.defaults().rules().forEach(r -> byName.put(r.name(), r));
        }
        if (provider != null) {
            for (ShapingFile f : layers) {
                f.providers().stream().filter(p -> p.name().equals(provider))
                        .forEach(p -> p.rules().forEach(r -> byName.put(r.name(), r)));
            }
        }
        return List.copyOf(byName.values());
    }

    /**
     * The pool a message goes out through: the one it asked for ({@code X-Hermod-Pool}, the API's
     * {@code pool}) when it exists, else its sender domain's, else {@code default}. Called for every
     * delivery: the sender ({@code user@domain}, or just its domain) is looked at only when some
     * sender domain has a pool.
     */
    public String poolFor(String requested, String sender) {
        if (requested != null && pools.containsKey(requested)) {
            return requested;
        }
        if (!poolBySender.isEmpty() && sender != null) {
            String pool = poolBySender.get(sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
            if (pool != null && pools.containsKey(pool)) {
                return pool;
            }
        }
        return Source.DEFAULT_NAME;
    }

    public boolean hasPool(String name) {
        return pools.containsKey(name);
    }

    /** Source name to weight. */
    public Map<String, Integer> pool(String name) {
        return pools.getOrDefault(name, pools.get(Source.DEFAULT_NAME));
    }

    public Source source(String name) {
        return sources.get(name);
    }

    public Map<String, Source> sources() {
        return sources;
    }

    public List<String> providers() {
        return providerOrder;
    }
}
