package io.hermod.shaping;

import java.util.List;
import java.util.Map;

/**
 * One block of a shaping file: {@code default}, a provider or a domain. Its own keys, and keys
 * for one source inside it ({@code sources: {name: {...}}}), which win over the block's own.
 *
 * @param kind     "default", "provider" or "domain", for provenance
 * @param matches  for a provider, how its sites are recognised; empty otherwise
 * @param rules    automation rules that apply to the block's sites (providers and the top level)
 */
public record Block(String kind, String name, List<ProviderMatch> matches, Map<ShapingKey, Object> values,
                    Map<String, Map<ShapingKey, Object>> sources, List<AutomationRule> rules) {

    public Block {
        matches = List.copyOf(matches);
        values = Map.copyOf(values);
        sources = Map.copyOf(sources);
        rules = List.copyOf(rules);
    }

    /** Where a value of this block came from, e.g. {@code shaping.yaml provider gmail source ip-a}. */
    String origin(String file, String source) {
        String where = kind.equals("default") ? "default" : kind + " " + name;
        return file + " " + where + (source == null ? "" : " source " + source);
    }
}
