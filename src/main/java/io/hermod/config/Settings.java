package io.hermod.config;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Every key's value after file, environment and defaults are merged, with where each came from. */
final class Settings {

  private final Map<Key<?>, Object> values = new HashMap<>();
  private final Map<Key<?>, String> labels = new HashMap<>();

  /**
   * Parses one value, naming the key (and the variable, for the environment) if it is bad: the
   * key's path, then where below it the problem is (for a value with structure), then the source.
   *
   * @param envName the variable the value came from, or null for the file or the default
   */
  <T> void put(Key<T> key, String envName, Supplier<T> parse) {
    String source = envName == null ? "" : " (from " + envName + ")";
    T value;
    try {
      value = parse.get();
    } catch (BadValue e) {
      throw new ConfigException(key.path() + e.where() + source, e.getMessage());
    }
    values.put(key, value);
    labels.put(key, key.path() + source);
  }

  @SuppressWarnings("unchecked") // put() stores a T under a Key<T>
  <T> T get(Key<T> key) {
    if (!values.containsKey(key)) {
      throw new IllegalStateException("no value for " + key.path());
    }
    return (T) values.get(key);
  }

  ConfigException error(Key<?> key, String problem) {
    return new ConfigException(labels.getOrDefault(key, key.path()), problem);
  }
}
