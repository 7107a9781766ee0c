package io.hermod.config;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How one key's value is read. A value arrives either from YAML (as SnakeYAML's SafeConstructor
 * builds it: null, String, Number, Boolean, List, Map) or as text (an environment variable, or the
 * default in {@link Keys}). Parsers throw {@link BadValue}; the loader adds the key's name.
 */
interface ValueType<T> {

  /** What the key takes, for "expected X, got a map". */
  String expected();

  T fromYaml(Object raw);

  /**
   * Text form: lists are comma-separated, maps of scalars are {@code k=v,k=v}, and values with
   * deeper structure (dkim.*) are YAML flow or JSON.
   */
  T fromText(String text);

  default <R> ValueType<R> map(Function<T, R> f) {
    ValueType<T> self = this;
    return new ValueType<>() {
      @Override
      public String expected() {
        return self.expected();
      }

      @Override
      public R fromYaml(Object raw) {
        return f.apply(self.fromYaml(raw));
      }

      @Override
      public R fromText(String text) {
        return f.apply(self.fromText(text));
      }
    };
  }

  /**
   * A type whose YAML form is one scalar. YAML numbers are read through their text, so that
   * {@code max_recipients: 1000} and {@code HERMOD_SMTP_MAX_RECIPIENTS=1000} take the same path.
   */
  static <T> ValueType<T> scalar(String expected, Function<String, T> parser) {
    return new ValueType<>() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public T fromYaml(Object raw) {
        if (raw instanceof String || raw instanceof Number) {
          return parser.apply(raw.toString());
        }
        throw wrongType(expected, raw);
      }

      @Override
      public T fromText(String text) {
        return parser.apply(text);
      }
    };
  }

  static BadValue wrongType(String expected, Object raw) {
    return new BadValue("expected " + expected + ", got " + kind(raw));
  }

  static String kind(Object raw) {
    if (raw == null) {
      return "nothing";
    } else if (raw instanceof Map) {
      return "a map";
    } else if (raw instanceof List) {
      return "a list";
    } else if (raw instanceof Boolean) {
      // YAML 1.1 reads yes/no/on/off/true/false as booleans; quoting the value makes it text.
      return "a boolean (" + raw + ")";
    } else if (raw instanceof Date) {
      return "a date";
    } else if (raw instanceof Number) {
      return "a number";
    } else if (raw instanceof String) {
      return "a string";
    }
    return "a value of type " + raw.getClass().getSimpleName();
  }
}
