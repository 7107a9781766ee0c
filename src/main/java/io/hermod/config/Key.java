package io.hermod.config;

import java.util.Locale;

/**
 * One configuration key: its dotted path, its default as text (null = unset), and its type with
 * bounds. The default goes through the same parser as user input, so it obeys the same bounds.
 */
record Key<T>(String path, String defaultText, ValueType<T> type) {

  /** HERMOD_ plus the path upper-cased with dots as underscores: smtp.max_recipients is HERMOD_SMTP_MAX_RECIPIENTS. */
  String envName() {
    return "HERMOD_" + path.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  T defaultValue() {
    return defaultText == null ? type.fromYaml(null) : type.fromText(defaultText);
  }
}
