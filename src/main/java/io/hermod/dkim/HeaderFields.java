package io.hermod.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of a header section, as byte ranges over the section (folding kept), and their
 * canonical forms (RFC 6376 3.4.1, 3.4.2). Values are bytes: 8-bit and UTF-8 text passes through
 * untouched.
 */
final class HeaderFields {

  /** One field: its name (as written, without trailing white space) and its bytes, CRLF included. */
  record Field(String name, int start, int end) {
  }

  private final byte[] section;
  private final List<Field> fields;

  private HeaderFields(byte[] section, List<Field> fields) {
    this.section = section;
    this.fields = fields;
  }

  /** Splits a header section (every field ending in CRLF; the empty line not included). */
  static HeaderFields parse(byte[] section, int length) {
    List<Field> fields = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < length) {
      int lineEnd = lineEnd(section, i, length);
      boolean continuation = section[i] == ' ' || section[i] == '\t';
      if (!continuation && i > start) {
        fields.add(field(section, start, i));
        start = i;
      }
      i = lineEnd;
    }
    if (i > start) {
      fields.add(field(section, start, i));
    }
    return new HeaderFields(section, List.copyOf(fields));
  }

  List<Field> fields() {
    return fields;
  }

  /** The field's bytes as written (simple canonicalization). */
  void simple(Field field, ByteArrayOutputStream out) {
    out.write(section, field.start(), field.end() - field.start());
  }

  /** The field in relaxed canonical form, CRLF included. */
  void relaxed(Field field, ByteArrayOutputStream out) {
    relaxed(section, field.start(), field.end(), out);
  }

  /**
   * Relaxed form of the field in {@code bytes[start, end)}: lower-case name, unfolded, runs of
   * white space reduced to one SP, none around the colon or at the end; ends with CRLF.
   */
  static void relaxed(byte[] bytes, int start, int end, ByteArrayOutputStream out) {
    int colon = indexOf(bytes, (byte) ':', start, end);
    int nameEnd = colon < 0 ? end : colon;
    while (nameEnd > start && isWsp(bytes[nameEnd - 1])) {
      nameEnd--;
    }
    for (int i = start; i < nameEnd; i++) {
      byte b = bytes[i];
      out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
    if (colon >= 0) {
      out.write(':');
      boolean space = false;
      boolean any = false;
      for (int i = colon + 1; i < end; i++) {
        byte b = bytes[i];
        if (b == '\r' && i + 1 < end && bytes[i + 1] == '\n') {
          i++; // unfold
        } else if (isWsp(b)) {
          space = any; // leading white space is dropped
        } else {
          if (space) {
            out.write(' ');
            space = false;
          }
          out.write(b);
          any = true;
        }
      }
    }
    out.write('\r');
    out.write('\n');
  }

  /**
   * The domain of the first From: field's first address, lower-cased ("Joe <joe@Example.COM>" →
   * "example.com"); empty if there is no From: field or no address with a domain in it.
   */
  Optional<String> fromDomain() {
    for (Field field : fields) {
      if (field.name().equalsIgnoreCase("From")) {
        int colon = indexOf(section, (byte) ':', field.start(), field.end());
        return domainOf(new String(section, colon + 1, field.end() - colon - 1, StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  static Optional<String> domainOf(String fromValue) {
    String value = withoutComments(fromValue.replace("\r\n", ""));
    int open = value.indexOf('<');
    if (open >= 0) {
      int close = value.indexOf('>', open);
      value = value.substring(open + 1, close < 0 ? value.length() : close);
    } else {
      int comma = value.indexOf(',');
      value = comma < 0 ? value : value.substring(0, comma);
    }
    int at = value.lastIndexOf('@');
    if (at < 0) {
      return Optional.empty();
    }
    String domain = value.substring(at + 1).strip();
    while (domain.endsWith(".")) {
      domain = domain.substring(0, domain.length() - 1);
    }
    return domain.isEmpty() || domain.indexOf(' ') >= 0 ? Optional.empty()
        : Optional.of(domain.toLowerCase(Locale.ROOT));
  }

  private static String withoutComments(String value) {
    StringBuilder out = new StringBuilder(value.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        if (depth == 0) {
          out.append(c).append(value.charAt(i + 1));
        }
        i++;
      } else if (c == '"' && depth == 0) {
        quoted = !quoted;
        out.append(c);
      } else if (c == '(' && !quoted) {
        depth++;
      } else if (c == ')' && !quoted && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Field field(byte[] section, int start, int end) {
    int colon = indexOf(section, (byte) ':', start, end);
    int nameEnd = colon < 0 ? start : colon;
    while (nameEnd > start && isWsp(section[nameEnd - 1])) {
      nameEnd--;
    }
    // A line without a colon has no name: it is kept (so bytes are not lost) but never selected.
    return new Field(new String(section, start, nameEnd - start, StandardCharsets.ISO_8859_1), start, end);
  }

  /** The index just past the CRLF ending the line at {@code from}, or {@code length}. */
  private static int lineEnd(byte[] bytes, int from, int length) {
    for (int i = from; i < length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i + 2;
      }
    }
    return length;
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isWsp(byte b) {
    return b == ' ' || b == '\t';
  }
}
