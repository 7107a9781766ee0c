package io.hermod.shaping;

import io.hermod.config.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One shaping file as written: the built-in one in the jar or the operator's ({@code shaping.path}).
 * Unknown keys are errors; every error names the file and the key path, e.g.
 * {@code shaping.yaml: providers.gmail.connection_limit: must be between 1 and 100000, got 0}.
 *
 * <pre>
 * default:   {keys..., sources: {NAME: {keys...}}}
 * providers: {NAME: {match: [{mx_suffix|mx|domain_suffix: V}...], keys..., sources: {...}, automation: [...]}}
 * domains:   {DOMAIN: {keys..., sources: {...}}}
 * sources:   {NAME: {address: IP, ehlo: NAME}}
 * pools:     {NAME: {SOURCE: WEIGHT...}}
 * pool_by_sender_domain: {DOMAIN: POOL}
 * automation: [{name, match: REGEX, trigger: immediate|N/period, action: suspend|bounce|{set: {keys}}, duration}]
 * </pre>
 */
public record ShapingFile(String origin, Block defaults, List<Block> providers, Map<String, Block> domains,
                          Map<String, Source> sources, Map<String, Map<String, Integer>> pools,
                          Map<String, String> poolBySenderDomain) {

    private static final Set<String> TOP = Set.of("default", "providers", "domains", "sources",
            "pools", "pool_by_sender_domain", "automation");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public ShapingFile {
        providers = List.copyOf(providers);
        domains = Map.copyOf(domains);
        sources = Map.copyOf(sources);
        pools = Map.copyOf(pools);
        poolBySenderDomain = Map.copyOf(poolBySenderDomain);
    }

    public static ShapingFile empty(String origin) {
        return new ShapingFile(origin, new Block("default", "default", List.of(), Map.of(), Map.of(), List.of()),
                List.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** @throws ShapingException naming {@code origin} and the key */
    public static ShapingFile parse(String text, String origin) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new ShapingException(origin + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (root == null) {
            return empty(origin);
        }
        return new Parser(origin).file(root);
    }

    /** Walks the YAML tree, keeping the path for messages. */
    private record Parser(String origin) {

        ShapingFile file(Object root) {
            Map<String, Object> top = map(root, "");
            for (String key : top.keySet()) {
                if (!TOP.contains(key)) {
                    throw fail(key, "unknown key (expected one of " + String.join(", ", new TreeSet<>(TOP)) + ")");
                }
            }
            List<AutomationRule> topRules = rules(top.get("automation"), "automation");
            Block defaults = top.containsKey("default")
                    ? block("default", "default", top.get("default"), "default", topRules)
                    : new Block("default", "default", List.of(), Map.of(), Map.of(), topRules);
            List<Block> providers = new ArrayList<>();
            map(top.getOrDefault("providers", Map.of()), "providers").forEach((name, body) ->
                    providers.add(block("provider", name(name, "providers"), body, "providers." + name, null)));
            Map<String, Block> domains = new LinkedHashMap<>();
            map(top.getOrDefault("domains", Map.of()), "domains").forEach((name, body) -> {
                String domain = name.toLowerCase(Locale.ROOT);
                if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                    throw fail("domains." + name, "not a domain name");
                }
                domains.put(domain, block("domain", domain, body, "domains." + name, List.of()));
            });
            Map<String, Source> sources = sources(top.getOrDefault("sources", Map.of()));
            Map<String, Map<String, Integer>> pools = pools(top.getOrDefault("pools", Map.of()), sources);
            Map<String, String> bySender = new LinkedHashMap<>();
            map(top.getOrDefault("pool_by_sender_domain", Map.of()), "pool_by_sender_domain").forEach((d, p) -> {
                if (!(p instanceof String pool) || !pools.containsKey(pool) && !pool.equals(Source.DEFAULT_NAME)) {
                    throw fail("pool_by_sender_domain." + d, "no pool named " + ShapingKey.quote(p));
                }
                bySender.put(d.toLowerCase(Locale.ROOT), pool);
            });
            for (Block b : withDefaults(defaults, providers, domains.values())) {
                for (String s : b.sources().keySet()) {
                    if (!sources.containsKey(s) && !s.equals(Source.DEFAULT_NAME)) {
                        throw fail(path(b) + ".sources." + s, "no source named \"" + s + "\" in sources");
                    }
                }
            }
            return new ShapingFile(origin, defaults, providers, domains, sources, pools, bySender);
        }

        private static List<Block> withDefaults(Block d, List<Block> providers, Collection<Block> domains) {
            List<Block> all = new ArrayList<>(providers);
            all.add(d);
            all.addAll(domains);
            return all;
        }

        private static String path(Block b) {
            return switch (b.kind()) {
                case "default" -> "default";
                case "provider" -> "providers." + b.name();
                default -> "domains." + b.name();
            };
        }

        /** @param rules the block's rules when they are not read from it (the default block: the top level's) */
        Block block(String kind, String name, Object body, String path, List<AutomationRule> rules) {
            Map<String, Object> m = map(body, path);
            List<ProviderMatch> matches = new ArrayList<>();
            Map<ShapingKey, Object> values = new EnumMap<>(ShapingKey.class);
            Map<String, Map<ShapingKey, Object>> sources = new LinkedHashMap<>();
            List<AutomationRule> own = rules;
            for (Map.Entry<String, Object> e : m.entrySet()) {
                String key = e.getKey();
                String at = path + "." + key;
                switch (key) {
                    case "match" -> {
                        if (!kind.equals("provider")) {
                            throw fail(at, "only a provider has match");
                        }
                        matches.addAll(matches(e.getValue(), at));
                    }
                    case "sources" -> map(e.getValue(), at).forEach((source, keys) ->
                            sources.put(source, values(keys, at + "." + source)));
                    case "automation" -> {
                        if (!kind.equals("provider")) {
                            throw fail(at, "automation goes at the top level or in a provider");
                        }
                        own = rules(e.getValue(), at);
                    }
                    default -> values.put(key(key, at), value(key, e.getValue(), at));
                }
            }
            return new Block(kind, name, matches, values, sources, own == null ? List.of() : own);
        }

        Map<ShapingKey, Object> values(Object body, String path) {
            Map<ShapingKey, Object> values = new EnumMap<>(ShapingKey.class);
            map(body, path).forEach((key, raw) -> values.put(key(key, path + "." + key), value(key, raw, path + "." + key)));
            return values;
        }

        ShapingKey key(String name, String at) {
            return ShapingKey.named(name).orElseThrow(() -> fail(at, "unknown key"));
        }

        Object value(String name, Object raw, String at) {
            try {
                return ShapingKey.named(name).orElseThrow().parse(raw);
            } catch (IllegalArgumentException e) {
                throw fail(at, e.getMessage());
            }
        }

        List<ProviderMatch> matches(Object raw, String at) {
            if (raw == null) {
                throw fail(at, "a provider needs at least one match (mx_suffix, mx or domain_suffix)");
            }
            List<ProviderMatch> out = new ArrayList<>();
            List<?> items = raw instanceof List<?> l ? l : List.of(raw);
            for (int i = 0; i < items.size(); i++) {
                Map<String, Object> m = map(items.get(i), at + "[" + i + "]");
                for (Map.Entry<String, Object> e : m.entrySet()) {
                    ProviderMatch.Kind kind = switch (e.getKey()) {
                        case "mx_suffix" -> ProviderMatch.Kind.MX_SUFFIX;
                        case "mx" -> ProviderMatch.Kind.MX;
                        case "domain_suffix" -> ProviderMatch.Kind.DOMAIN_SUFFIX;
                        default -> throw fail(at + "[" + i + "]." + e.getKey(), "expected mx_suffix, mx or domain_suffix");
                    };
                    if (!(e.getValue() instanceof String v) || v.isBlank()) {
                        throw fail(at + "[" + i + "]." + e.getKey(), "expected a host or domain name");
                    }
                    out.add(new ProviderMatch(kind, v.strip()));
                }
            }
            return out;
        }

        List<AutomationRule> rules(Object raw, String at) {
            if (raw == null) {
                return List.of();
            }
            if (!(raw instanceof List<?> list)) {
                throw fail(at, "expected a list of rules");
            }
            List<AutomationRule> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                rules.add(rule(list.get(i), at + "[" + i + "]"));
            }
            return rules;
        }

        AutomationRule rule(Object raw, String at) {
            Map<String, Object> m = map(raw, at);
            for (String k : m.keySet()) {
                if (!Set.of("name", "match", "trigger", "action", "duration").contains(k)) {
                    throw fail(at + "." + k, "unknown key (expected name, match, trigger, action, duration)");
                }
            }
            String name = m.get("name") instanceof String s ? name(s, at + ".name") : null;
            if (name == null) {
                throw fail(at + ".name", "a rule needs a name");
            }
            Pattern pattern;
            if (!(m.get("match") instanceof String regex)) {
                throw fail(at + ".match", "a rule needs a regular expression over the reply (code enhanced text)");
            }
            try {
                pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw fail(at + ".match", "not a regular expression: " + e.getDescription());
            }
            Rate threshold = null;
            Object trigger = m.getOrDefault("trigger", "immediate");
            if (!"immediate".equals(trigger)) {
                try {
                    threshold = Rate.parse(String.valueOf(trigger));
                } catch (IllegalArgumentException e) {
                    throw fail(at + ".trigger", "expected immediate or N/period, got " + ShapingKey.quote(trigger));
                }
            }
            AutomationRule.Action action = action(m.get("action"), at + ".action");
            Object d = m.get("duration");
            if (d == null) {
                throw fail(at + ".duration", "a rule needs a duration");
            }
            Duration duration;
            try {
                duration = d instanceof Integer n ? Duration.ofSeconds(n) : Durations.parse(String.valueOf(d));
            } catch (RuntimeException x) {
                throw fail(at + ".duration", "not a duration: " + ShapingKey.quote(d));
            }
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(7)) > 0) {
                throw fail(at + ".duration", "must be between 1s and 7d");
            }
            return new AutomationRule(name, pattern, threshold, action, duration);
        }

        AutomationRule.Action action(Object raw, String at) {
            if ("suspend".equals(raw)) {
                return new AutomationRule.Suspend();
            }
            if ("bounce".equals(raw)) {
                return new AutomationRule.Bounce();
            }
            if (raw instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("set")) {
                Map<ShapingKey, Object> values = values(m.get("set"), at + ".set");
                if (values.isEmpty()) {
                    throw fail(at + ".set", "set needs at least one shaping key");
                }
                return new AutomationRule.Set(values);
            }
            throw fail(at, "expected suspend, bounce or {set: {keys...}}");
        }

        Map<String, Source> sources(Object raw) {
            Map<String, Source> out = new LinkedHashMap<>();
            map(raw, "sources").forEach((name, body) -> {
                String at = "sources." + name;
                name(name, at);
                Map<String, Object> m = map(body == null ? Map.of() : body, at);
                String address = null;
                String ehlo = null;
                for (Map.Entry<String, Object> e : m.entrySet()) {
                    switch (e.getKey()) {
                        case "address" -> address = address(e.getValue(), at + ".address");
                        case "ehlo" -> {
                            if (!(e.getValue() instanceof String s) || !s.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                                throw fail(at + ".ehlo", "not a host name: " + ShapingKey.quote(e.getValue()));
                            }
                            ehlo = s;
                        }
                        default -> throw fail(at + "." + e.getKey(), "unknown key (expected address, ehlo)");
                    }
                }
                out.put(name, new Source(name, address, ehlo));
            });
            return out;
        }

        String address(Object raw, String at) {
            if (raw instanceof String s && s.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                try {
                    return InetAddress.getByName(s).getHostAddress();
                } catch (UnknownHostException e) {
                    // falls through to the error
                }
            }
            throw fail(at, "not an IP address: " + ShapingKey.quote(raw));
        }

        Map<String, Map<String, Integer>> pools(Object raw, Map<String, Source> sources) {
            Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
            map(raw, "pools").forEach((name, body) -> {
                String at = "pools." + name;
                name(name, at);
                Map<String, Integer> weights = new LinkedHashMap<>();
                map(body, at).forEach((source, w) -> {
                    if (!sources.containsKey(source) && !source.equals(Source.DEFAULT_NAME)) {
                        throw fail(at + "." + source, "no source named \"" + source + "\" in sources");
                    }
                    if (!(w instanceof Integer weight) || weight < 1 || weight > 1000) {
                        throw fail(at + "." + source, "a weight is a whole number from 1 to 1000, got "
                                + ShapingKey.quote(w));
                    }
                    weights.put(source, weight);
                });
                if (weights.isEmpty()) {
                    throw fail(at, "a pool needs at least one source");
                }
                out.put(name, weights);
            });
            return out;
        }

        String name(String name, String at) {
            if (!NAME.matcher(name).matches()) {
                throw fail(at, "not a name (letters, digits, '.', '_', '-'): \"" + name + "\"");
            }
            return name;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(Object raw, String at) {
            if (!(raw instanceof Map<?, ?> m)) {
                throw fail(at.isEmpty() ? "(top)" : at, "expected a map of keys");
            }
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw fail(at, "key " + k + " is not a name");
                }
            }
            return (Map<String, Object>) m;
        }

        ShapingException fail(String at, String problem) {
            return new ShapingException(origin + ": " + at + ": " + problem);
        }
    }
}
