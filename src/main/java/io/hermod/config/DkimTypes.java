package io.hermod.config;

import static io.hermod.config.DkimSignerConfig.ED25519_SHA256;
import static io.hermod.config.DkimSignerConfig.RELAXED;
import static io.hermod.config.DkimSignerConfig.RSA_SHA256;
import static io.hermod.config.DkimSignerConfig.SIMPLE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * dkim.domains and dkim.default. In the file they are a YAML map; as text (an environment variable,
 * or a quoted string in the file) the same structure written as YAML flow or JSON, as in
 * {@code HERMOD_DKIM_DOMAINS='{"example.com": [{"selector": "s1", "key": "/k.pem", "algorithm": "rsa-sha256"}]}'}.
 * A problem inside names its place below the key: {@code dkim.domains.example.com[0].key}.
 */
final class DkimTypes {

  static final int MAX_SIGNERS = 2;

  private static final Set<String> SIGNER_FIELDS =
      Set.of("selector", "key", "algorithm", "headers", "over_sign", "expire", "canonicalization");
  private static final Set<String> DEFAULT_FIELDS = union(SIGNER_FIELDS, "domain");
  private static final List<String> CANONICALIZATIONS =
      List.of("relaxed/relaxed", "relaxed/simple", "simple/relaxed", "simple/simple");
  /** RFC 5322 field-name: printable US-ASCII except ':'. */
  private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");
  private static final ValueType<String> STRING = ValueType.scalar("a string", String::strip);
  private static final ValueType<Path> KEY_FILE = ValueTypes.readableFile();
  private static final ValueType<Duration> EXPIRE = ValueTypes.duration("1m", "365d");
  private static final ValueType<List<String>> FIELD_NAMES =
      new ListType<>("a header field name or a list of them", DkimTypes::fieldName, true);

  private DkimTypes() {
  }

  /** dkim.domains: signing domain (lower-cased) to its one or two signers; nothing or {} is no domain. */
  static ValueType<Map<String, List<DkimSignerConfig>>> domains() {
    return new Structured<>("a map of domain to a list of signers") {
      @Override
      Map<String, List<DkimSignerConfig>> fromStructure(Object raw) {
        if (raw == null) {
          return Map.of();
        }
        if (!(raw instanceof Map<?, ?> entries)) {
          throw ValueType.wrongType(expected(), raw);
        }
        Map<String, List<DkimSignerConfig>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
          Object name = e.getKey();
          if (!(name instanceof String || name instanceof Number)) {
            throw new BadValue("expected a domain name as key, got " + ValueType.kind(name));
          }
          String domain = ValueTypes.domain(name.toString());
          List<DkimSignerConfig> signers;
          try {
            signers = signers(domain, e.getValue());
          } catch (BadValue bad) {
            throw bad.under("." + domain);
          }
          if (out.put(domain, signers) != null) {
            throw new BadValue(domain + " given twice (domains are compared ignoring case)");
          }
        }
        return Map.copyOf(out);
      }
    };
  }

  /** dkim.default: one signer that names its own domain, or off (also nothing, false, ""). */
  static ValueType<Optional<DkimSignerConfig>> defaultSigner() {
    return new Structured<>("a signer (a map of domain, selector, key, algorithm, ...) or off") {
      @Override
      Optional<DkimSignerConfig> fromStructure(Object raw) {
        if (raw == null || Boolean.FALSE.equals(raw) || "off".equals(raw)) {
          return Optional.empty();
        }
        if (!(raw instanceof Map<?, ?> fields)) {
          throw ValueType.wrongType(expected(), raw);
        }
        checkFieldNames(fields, DEFAULT_FIELDS);
        String domain = required(fields, "domain", STRING.map(ValueTypes::domain));
        return Optional.of(signer(domain, fields));
      }
    };
  }

  /** A list of one or two signers, or one signer as a map (a one-item list, as a single value is elsewhere). */
  private static List<DkimSignerConfig> signers(String domain, Object raw) {
    if (raw instanceof Map<?, ?> one) {
      return List.of(signerFields(domain, one));
    }
    if (!(raw instanceof List<?> items)) {
      throw ValueType.wrongType("a list of signers", raw);
    }
    if (items.isEmpty()) {
      throw new BadValue("must not be empty (leave the domain out to sign nothing for it)");
    }
    if (items.size() > MAX_SIGNERS) {
      throw new BadValue("at most " + MAX_SIGNERS + " signers (one " + RSA_SHA256 + ", one " + ED25519_SHA256
          + "), got " + items.size());
    }
    List<DkimSignerConfig> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      try {
        if (!(item instanceof Map<?, ?> fields)) {
          throw ValueType.wrongType("a signer (a map of selector, key, algorithm, ...)", item);
        }
        out.add(signerFields(domain, fields));
      } catch (BadValue bad) {
        throw bad.under("[" + i + "]");
      }
    }
    if (out.size() == 2 && out.get(0).algorithm().equals(out.get(1).algorithm())) {
      throw new BadValue("same as [0] (" + out.get(0).algorithm() + "); of two signers for one domain, one must be "
          + RSA_SHA256 + " and the other " + ED25519_SHA256).under(".algorithm").under("[1]");
    }
    return List.copyOf(out);
  }

  private static DkimSignerConfig signerFields(String domain, Map<?, ?> fields) {
    checkFieldNames(fields, SIGNER_FIELDS);
    return signer(domain, fields);
  }

  /** The fields of one signer, in the order they are written in the documentation. */
  private static DkimSignerConfig signer(String domain, Map<?, ?> fields) {
    String selector = required(fields, "selector", STRING.map(s -> selector(s, domain)));
    Path key = required(fields, "key", KEY_FILE);
    String algorithm = required(fields, "algorithm", STRING.map(DkimTypes::algorithm));
    List<String> headers = optional(fields, "headers", FIELD_NAMES.map(DkimTypes::headerList)).orElse(List.of());
    List<String> overSign = optional(fields, "over_sign", FIELD_NAMES.map(DkimTypes::nonEmpty)).orElse(List.of());
    Optional<Duration> expire = optional(fields, "expire", EXPIRE);
    String canonicalization = optional(fields, "canonicalization", STRING.map(DkimTypes::canonicalization))
        .orElse(RELAXED + "/" + RELAXED);
    int slash = canonicalization.indexOf('/');
    return new DkimSignerConfig(domain, selector, key, algorithm, headers, overSign, expire,
        canonicalization.substring(0, slash), canonicalization.substring(slash + 1));
  }

  /** Unknown names are an error, as they are everywhere else in the configuration. */
  private static void checkFieldNames(Map<?, ?> fields, Set<String> known) {
    for (Object name : fields.keySet()) {
      if (!known.contains(String.valueOf(name))) {
        throw new BadValue("unknown key").under("." + name);
      }
    }
  }

  private static <T> T required(Map<?, ?> fields, String name, ValueType<T> type) {
    Object raw = fields.get(name);
    if (raw == null) {
      throw new BadValue("must be set").under("." + name);
    }
    return parse(raw, name, type);
  }

  private static <T> Optional<T> optional(Map<?, ?> fields, String name, ValueType<T> type) {
    Object raw = fields.get(name);
    return raw == null ? Optional.empty() : Optional.of(parse(raw, name, type));
  }

  private static <T> T parse(Object raw, String name, ValueType<T> type) {
    try {
      return type.fromYaml(raw);
    } catch (BadValue bad) {
      throw bad.under("." + name);
    }
  }

  /** DNS labels as in a domain name (RFC 6376 3.1), and short enough that selector._domainkey.domain is a name. */
  private static String selector(String text, String domain) {
    if (!HostSyntax.isDomainName(text)) {
      throw new BadValue("not a valid selector (dot-separated labels of letters, digits and hyphens): "
          + BadValue.quote(text));
    }
    String name = text + "._domainkey." + domain;
    if (name.length() > 253) {
      throw new BadValue(name + " is longer than 253 characters");
    }
    return text;
  }

  private static String algorithm(String text) {
    String name = text.toLowerCase(Locale.ROOT);
    if (name.equals(RSA_SHA256) || name.equals(ED25519_SHA256)) {
      return name;
    }
    if (name.equals("rsa-sha1")) {
      throw new BadValue("rsa-sha1 must not be used for signing (RFC 8301); use " + RSA_SHA256 + " or "
          + ED25519_SHA256);
    }
    throw new BadValue("must be " + RSA_SHA256 + " or " + ED25519_SHA256 + ", got " + BadValue.quote(text));
  }

  private static String canonicalization(String text) {
    String name = text.toLowerCase(Locale.ROOT);
    if (!CANONICALIZATIONS.contains(name)) {
      throw new BadValue("must be one of " + String.join(", ", CANONICALIZATIONS) + ", got " + BadValue.quote(text));
    }
    return name;
  }

  private static String fieldName(String text) {
    if (!FIELD_NAME.matcher(text).matches()) {
      throw new BadValue("not a valid header field name: " + BadValue.quote(text));
    }
    return text;
  }

  /** An explicit list replaces the default one, so it must not be empty, and From must be signed (RFC 6376 5.4). */
  private static List<String> headerList(List<String> names) {
    nonEmpty(names);
    if (names.stream().noneMatch(n -> n.equalsIgnoreCase("From"))) {
      throw new BadValue("must include From (RFC 6376 5.4: From is always signed)");
    }
    return names;
  }

  private static List<String> nonEmpty(List<String> names) {
    if (names.isEmpty()) {
      throw new BadValue("must not be empty (leave it out for the default list)");
    }
    return names;
  }

  private static Set<String> union(Set<String> set, String more) {
    Set<String> out = new HashSet<>(set);
    out.add(more);
    return Set.copyOf(out);
  }

  /**
   * A value with structure. A string, in the file or the environment, is its text form: YAML flow
   * or JSON, parsed and then read exactly as the same structure written in the file would be.
   */
  private abstract static class Structured<T> implements ValueType<T> {

    private final String expected;

    Structured(String expected) {
      this.expected = expected;
    }

    @Override
    public String expected() {
      return expected;
    }

    @Override
    public T fromYaml(Object raw) {
      return raw instanceof String text ? fromText(text) : fromStructure(raw);
    }

    @Override
    public T fromText(String text) {
      // A string that parses to a string again is not re-parsed: fromStructure rejects it.
      return fromStructure(YamlSource.readValue(text));
    }

    abstract T fromStructure(Object raw);
  }
}
