package io.hermod.config;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Every key's value after file, environment and defaults are merged, with where each came from. */
final class Settings {

  private final Map<Key<?>, Object> values = new HashMap<>();
  private final Map<Key<?>, String> labels = new HashMap<>();

  /** Parses one value, naming the key (and the variable, for the environment) if it is bad. */
  <T> void put(Key<T> key, String label, Supplier<T> parse) {
    T value;
    try {
      value = parse.get();
    } catch (BadValue e) {
      throw new ConfigException(label, e.getMessage());
    }
    values.put(key, value);
    labels.put(key, label);
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
