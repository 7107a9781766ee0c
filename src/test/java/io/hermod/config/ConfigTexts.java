package io.hermod.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;

/** Small helpers shared by the config tests. */
final class ConfigTexts {

  private ConfigTexts() {
  }

  /** One key as nested YAML: ("queue.retry.max", "2h") gives "queue:\n  retry:\n    max: 2h\n". */
  static String yaml(String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      out.append("  ".repeat(i)).append(parts[i]).append(':');
      out.append(i == parts.length - 1 ? " " + value : "").append('\n');
    }
    return out.toString();
  }

  static HermodConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, Map.of());
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String yaml, Map<String, String> env) {
    return assertThatThrownBy(() -> ConfigLoader.parse(yaml, env)).isInstanceOf(ConfigException.class);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String yaml) {
    return assertRejected(yaml, Map.of());
  }
}
