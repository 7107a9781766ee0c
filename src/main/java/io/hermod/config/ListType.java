package io.hermod.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A list given as a YAML sequence, or as one comma-separated string (YAML or environment). */
record ListType<T>(String expected, Function<String, T> element, boolean allowEmpty)
    implements ValueType<List<T>> {

  @Override
  public List<T> fromYaml(Object raw) {
    if (raw == null && allowEmpty) {
      return List.of();
    }
    if (raw instanceof String || raw instanceof Number) {
      return fromText(raw.toString());
    }
    if (!(raw instanceof List<?> items)) {
      throw ValueType.wrongType(expected, raw);
    }
    List<T> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof String || item instanceof Number)) {
        throw new BadValue("expected " + expected + ", got a list containing " + ValueType.kind(item));
      }
      out.add(element.apply(item.toString()));
    }
    return checked(out);
  }

  @Override
  public List<T> fromText(String text) {
    List<T> out = new ArrayList<>();
    if (!text.isBlank()) {
      for (String item : text.split(",", -1)) {
        if (item.isBlank()) {
          throw new BadValue("empty item in list " + BadValue.quote(text));
        }
        out.add(element.apply(item.strip()));
      }
    }
    return checked(out);
  }

  private List<T> checked(List<T> items) {
    if (items.isEmpty() && !allowEmpty) {
      throw new BadValue("must not be empty");
    }
    return List.copyOf(items);
  }
}
