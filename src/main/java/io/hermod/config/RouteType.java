package io.hermod.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** delivery.routes: a YAML map, or "domain=host:port,..." as text. */
final class RouteType implements ValueType<Map<String, HostAndPort>> {

  @Override
  public String expected() {
    return "a map of domain to host:port";
  }

  @Override
  public Map<String, HostAndPort> fromYaml(Object raw) {
    if (raw == null) {
      return Map.of();
    }
    if (raw instanceof String text) {
      return fromText(text);
    }
    if (!(raw instanceof Map<?, ?> entries)) {
      throw ValueType.wrongType(expected(), raw);
    }
    Map<String, HostAndPort> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      Object target = e.getValue();
      if (!(target instanceof String)) {
        throw new BadValue("route for " + e.getKey() + ": expected host:port, got " + ValueType.kind(target));
      }
      put(out, String.valueOf(e.getKey()), (String) target);
    }
    return Map.copyOf(out);
  }

  @Override
  public Map<String, HostAndPort> fromText(String text) {
    Map<String, HostAndPort> out = new LinkedHashMap<>();
    if (!text.isBlank()) {
      for (String item : text.split(",", -1)) {
        int eq = item.indexOf('=');
        if (eq < 0) {
          throw new BadValue("expected domain=host:port, got " + BadValue.quote(item.strip()));
        }
        put(out, item.substring(0, eq), item.substring(eq + 1));
      }
    }
    return Map.copyOf(out);
  }

  private static void put(Map<String, HostAndPort> out, String domainText, String target) {
    String domain = domainText.strip().equals("*") ? "*" : ValueTypes.domain(domainText);
    HostAndPort hop;
    try {
      hop = ValueTypes.hostAndPort(target, 1, -1);
    } catch (BadValue e) {
      throw new BadValue("route for " + domain + ": " + e.getMessage());
    }
    if (out.put(domain, hop) != null) {
      throw new BadValue("route for " + domain + " given twice");
    }
  }
}
