package io.hermod.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads HERMOD_* environment variables. Names are looked up in the table, never split apart,
 * because key names contain underscores themselves (HERMOD_SMTP_MAX_RECIPIENTS).
 */
final class EnvSource {

  static final String PREFIX = "HERMOD_";

  /** Belong to the launch scripts, not to the configuration. */
  static final Set<String> RESERVED = Set.of("HERMOD_OPTS", "HERMOD_HOME", "HERMOD_CONFIG");

  private EnvSource() {
  }

  /** The text of every key the environment sets; a HERMOD_ variable that matches no key is an error. */
  static Map<Key<?>, String> read(Map<String, String> env) {
    Map<Key<?>, String> out = new LinkedHashMap<>();
    // Sorted, so that with several bad variables the same one is reported every time.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX) || RESERVED.contains(name)) {
        continue;
      }
      Key<?> key = Keys.byEnvName(name);
      if (key == null) {
        throw new ConfigException(name, "unknown configuration variable");
      }
      out.put(key, e.getValue());
    }
    return out;
  }
}
