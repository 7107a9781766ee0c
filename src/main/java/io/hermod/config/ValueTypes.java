package io.hermod.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/** The value types that {@link Keys} uses, each with its bounds. */
final class ValueTypes {

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,18}(\\.\\d+)?([eE][-+]?\\d{1,3})?");
  private static final Pattern TOKEN = Pattern.compile("\\S+");

  private ValueTypes() {
  }

  static ValueType<Integer> integer(int min, int max) {
    return ValueType.scalar("an integer", text -> (int) inRange(parseLong(text), min, max));
  }

  /** "auto" or an integer in range; auto is computed when the value is read. */
  static ValueType<Integer> integerOrAuto(int min, int max, IntSupplier auto) {
    return ValueType.scalar("an integer or auto", text -> text.strip().equals("auto")
        ? auto.getAsInt()
        : (int) inRange(parseLong(text), min, max));
  }

  static ValueType<Long> size(long min, long max) {
    return ValueType.scalar("a size in bytes", text -> inRange(Sizes.parse(text), min, max));
  }

  /** "auto" or a size in range; auto is computed when the value is read. */
  static ValueType<Long> sizeOrAuto(long min, long max, LongSupplier auto) {
    return ValueType.scalar("a size in bytes or auto", text -> text.strip().equals("auto")
        ? auto.getAsLong()
        : inRange(Sizes.parse(text), min, max));
  }

  static ValueType<Double> decimal(double min, double max) {
    return ValueType.scalar("a number", text -> {
      if (!DECIMAL.matcher(text.strip()).matches()) {
        throw new BadValue("not a number: " + BadValue.quote(text));
      }
      double value = Double.parseDouble(text.strip());
      if (value < min || value > max) {
        throw between(min, max, value);
      }
      return value;
    });
  }

  /** Bounds are written as durations ("1s", "1h") so that the table reads as the documentation does. */
  static ValueType<Duration> duration(String min, String max) {
    Duration low = Durations.parse(min);
    Duration high = Durations.parse(max);
    return ValueType.scalar("a duration", text -> {
      Duration value = Durations.parse(text);
      if (value.compareTo(low) < 0 || value.compareTo(high) > 0) {
        throw between(Durations.format(low), Durations.format(high), Durations.format(value));
      }
      return value;
    });
  }

  /** A domain name; empty means this machine's name. */
  static ValueType<String> hostname() {
    return ValueType.scalar("a domain name", text -> {
      String name = text.strip();
      if (name.isEmpty()) {
        return MachineName.get();
      }
      if (!HostSyntax.isDomainName(name)) {
        throw new BadValue("not a valid domain name: " + BadValue.quote(name));
      }
      return name;
    });
  }

  static ValueType<Path> path() {
    return ValueType.scalar("a path", text -> {
      if (text.isBlank()) {
        throw new BadValue("must not be empty");
      }
      try {
        return Path.of(text.strip());
      } catch (InvalidPathException e) {
        throw new BadValue("not a valid path: " + BadValue.quote(text));
      }
    });
  }

  /**
   * A file that Hermod reads at start-up (a certificate, a key, the user list): it must exist and be
   * readable now, so that a typo stops start-up instead of the first TLS handshake.
   */
  static ValueType<Path> readableFile() {
    ValueType<Path> path = path();
    return path.map(file -> {
      if (!Files.exists(file)) {
        throw new BadValue("cannot read " + file + ": no such file");
      }
      if (!Files.isRegularFile(file)) {
        throw new BadValue("cannot read " + file + ": not a regular file");
      }
      if (!Files.isReadable(file)) {
        throw new BadValue("cannot read " + file + ": permission denied");
      }
      return file;
    });
  }

  /**
   * A bearer token. Never echoed in messages; whitespace is refused rather than trimmed because a
   * secret with a stray newline would otherwise fail every request with no hint why.
   */
  static ValueType<String> token() {
    return ValueType.scalar("a string", text -> {
      if (text.isEmpty()) {
        throw new BadValue("must not be empty");
      }
      if (!TOKEN.matcher(text).matches()) {
        throw new BadValue("must not contain spaces, tabs or line breaks");
      }
      return text;
    });
  }

  /**
   * A Redis URL: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://} for TLS. The
   * host and port are checked here; Redis itself is asked only once Hermod runs.
   */
  static ValueType<String> redisUrl() {
    return ValueType.scalar("a Redis URL (redis://host:port)", text -> {
      java.net.URI uri;
      try {
        uri = new java.net.URI(text);
      } catch (java.net.URISyntaxException e) {
        throw new BadValue("not a URL: " + BadValue.quote(text));
      }
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
        throw new BadValue("must start with redis:// or rediss://, got " + BadValue.quote(text));
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new BadValue("names no host: " + BadValue.quote(text));
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        throw new BadValue("port must be between 1 and 65535, got " + uri.getPort());
      }
      return text;
    });
  }

  /**
   * An absolute http or https URL with a host and nothing past the path (no query, fragment or
   * user info): the base URL of a peer's HTTP API, e.g. {@code http://hermod-1.hermod-headless:8025}.
   */
  static ValueType<java.net.URI> httpUrl() {
    return ValueType.scalar("a URL", text -> {
      java.net.URI uri;
      try {
        uri = new java.net.URI(text.strip());
      } catch (java.net.URISyntaxException e) {
        throw new BadValue("not a URL: " + BadValue.quote(text));
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new BadValue("must be an http:// or https:// URL, got " + BadValue.quote(text));
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new BadValue("has no host name: " + BadValue.quote(text));
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw new BadValue("must not have a query, a fragment or user info: " + BadValue.quote(text));
      }
      return uri;
    });
  }

  /** host:port with the port at least minPort (0 for listeners, 1 for addresses we connect to). */
  static ValueType<HostAndPort> hostAndPort(int minPort) {
    return ValueType.scalar("host:port", text -> hostAndPort(text, minPort, -1));
  }

  /** A list of host:port; defaultPort < 0 means the port is required. */
  static ValueType<List<HostAndPort>> hostAndPorts(int minPort, int defaultPort, boolean allowEmpty) {
    String expected = defaultPort < 0 ? "host:port or a list of them" : "host[:port] or a list of them";
    return new ListType<>(expected, text -> hostAndPort(text, minPort, defaultPort), allowEmpty);
  }

  static ValueType<List<Cidr>> cidrs() {
    return new ListType<>("a network (CIDR) or a list of them", text -> {
      try {
        return Cidr.parse(text);
      } catch (IllegalArgumentException e) {
        throw new BadValue(e.getMessage());
      }
    }, true);
  }

  /** Domains, lower-cased because every comparison with them ignores case. */
  static ValueType<List<String>> domains() {
    return new ListType<>("a domain or a list of them", ValueTypes::domain, true);
  }

  /** Domain (or "*") to host:port, lower-cased keys; text form "example.com=10.0.0.1:25,*=relay:25". */
  static ValueType<Map<String, HostAndPort>> routes() {
    return new RouteType();
  }

  /** true or false; YAML's yes/no/on/off read as booleans too, so they are accepted there. */
  static ValueType<Boolean> bool() {
    String expected = "true or false";
    return wrap(expected, raw -> {
      if (raw instanceof Boolean b) {
        return b;
      }
      if (raw instanceof String text) {
        return parseBool(text);
      }
      throw ValueType.wrongType(expected, raw);
    }, ValueTypes::parseBool);
  }

  /** One of a fixed set of names, each standing for a value. */
  static <T> ValueType<T> choice(Map<String, T> names) {
    String expected = "one of " + String.join(", ", names.keySet().stream().sorted().toList());
    return ValueType.scalar(expected, text -> {
      T value = names.get(text.strip());
      if (value == null) {
        throw new BadValue("must be " + expected + ", got " + BadValue.quote(text));
      }
      return value;
    });
  }

  /** Absent (null) means empty; anything given is parsed by inner. */
  static <T> ValueType<Optional<T>> optional(ValueType<T> inner) {
    ValueType<Optional<T>> present = inner.map(Optional::of);
    return wrap(inner.expected(), raw -> raw == null ? Optional.empty() : present.fromYaml(raw), present::fromText);
  }

  /** "off", YAML's false (which is how YAML 1.1 reads a bare off) or nothing give the off value. */
  static <T> ValueType<T> offOr(ValueType<T> inner, T off) {
    String expected = inner.expected() + " or off";
    return wrap(expected, raw -> {
      if (raw == null || Boolean.FALSE.equals(raw) || "off".equals(raw)) {
        return off;
      }
      if (raw instanceof Boolean) {
        throw ValueType.wrongType(expected, raw);
      }
      return inner.fromYaml(raw);
    }, text -> text.strip().equals("off") ? off : inner.fromText(text));
  }

  static String domain(String text) {
    String name = text.strip();
    if (!HostSyntax.isDomainName(name)) {
      throw new BadValue("not a valid domain name: " + BadValue.quote(name));
    }
    return name.toLowerCase(Locale.ROOT);
  }

  static HostAndPort hostAndPort(String text, int minPort, int defaultPort) {
    HostAndPort parsed;
    try {
      parsed = HostAndPort.parse(text, defaultPort);
    } catch (IllegalArgumentException e) {
      throw new BadValue(e.getMessage());
    }
    if (parsed.port() < minPort) {
      throw new BadValue("port must be between " + minPort + " and 65535, got " + parsed.port());
    }
    return parsed;
  }

  private static <T> ValueType<T> wrap(String expected, Function<Object, T> yaml, Function<String, T> text) {
    return new ValueType<>() {
      @Override
      public String expected() {
        return expected;
      }

      @Override
      public T fromYaml(Object raw) {
        return yaml.apply(raw);
      }

      @Override
      public T fromText(String value) {
        return text.apply(value);
      }
    };
  }

  private static boolean parseBool(String text) {
    return switch (text.strip()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadValue("must be true or false, got " + BadValue.quote(text));
    };
  }

  private static long parseLong(String text) {
    if (!INTEGER.matcher(text.strip()).matches()) {
      throw new BadValue("not an integer: " + BadValue.quote(text));
    }
    return Long.parseLong(text.strip());
  }

  private static long inRange(long value, long min, long max) {
    if (value < min || value > max) {
      throw between(min, max, value);
    }
    return value;
  }

  private static BadValue between(Object min, Object max, Object got) {
    return new BadValue("must be between " + min + " and " + max + ", got " + got);
  }
}
