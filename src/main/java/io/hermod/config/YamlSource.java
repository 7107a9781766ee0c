package io.hermod.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads conf/hermod.yaml into raw values per key. Sections nest (smtp: {listen: ...}); any name
 * that is neither a key nor a section is an error, so a typo never leaves a default in force.
 */
final class YamlSource {

  private YamlSource() {
  }

  /** Raw YAML values (String, Number, Boolean, List, Map or null) of the keys the text sets. */
  static Map<Key<?>, Object> read(String text, String sourceName) {
    Object root = parse(text, sourceName);
    Map<Key<?>, Object> out = new LinkedHashMap<>();
    if (root == null) {
      return out; // an empty file, or only comments: all defaults
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException("config", "expected a map at the top level");
    }
    collect(map, "", out);
    return out;
  }

  /**
   * The text form of a value with structure, such as HERMOD_DKIM_DOMAINS: YAML flow text or JSON
   * (which is YAML too), read as the file is. A syntax error is a {@link BadValue}.
   */
  static Object readValue(String text) {
    try {
      return yaml().load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? ""
          : (mark.getLine() > 0 ? "line " + (mark.getLine() + 1) + ", " : "") + "column " + (mark.getColumn() + 1) + ": ";
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new BadValue("not YAML or JSON: " + where + problem);
    } catch (YAMLException e) {
      throw new BadValue("not YAML or JSON: " + e.getMessage());
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false); // otherwise the second of two equal keys wins silently
    // SafeConstructor builds only plain maps, lists and scalars, never classes named in the file.
    return new Yaml(new SafeConstructor(options));
  }

  private static Object parse(String text, String sourceName) {
    Yaml yaml = yaml();
    try {
      return yaml.load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ": ";
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ConfigException("config", sourceName + ": " + where + problem);
    } catch (YAMLException e) {
      throw new ConfigException("config", sourceName + ": " + e.getMessage());
    }
  }

  private static void collect(Map<?, ?> map, String prefix, Map<Key<?>, Object> out) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String name = String.valueOf(entry.getKey());
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      // A dotted name ("smtp.listen:" at the top) is not a way to spell a key; only nesting is.
      Key<?> key = name.contains(".") ? null : Keys.byPath(path);
      if (key != null) {
        out.put(key, entry.getValue());
      } else if (!name.contains(".") && Keys.isSection(path)) {
        Object section = entry.getValue();
        if (section instanceof Map<?, ?> inner) {
          collect(inner, path, out);
        } else if (section != null) { // "smtp:" with nothing under it is an empty section
          throw new ConfigException(path, "expected a section of settings, got " + ValueType.kind(section));
        }
      } else {
        throw new ConfigException(path, "unknown key");
      }
    }
  }
}
