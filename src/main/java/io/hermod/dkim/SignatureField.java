package io.hermod.dkim;

import java.nio.charset.StandardCharsets;

/**
 * Writes a DKIM-Signature field folded to {@link #MAX_LINE} characters: tags are separated by a
 * space or a fold, {@code h=} folds after a colon, base64 values fold anywhere (RFC 6376 3.5
 * allows FWS in all three places).
 */
final class SignatureField {

  static final int MAX_LINE = 78;
  private static final String FOLD = "\r\n ";

  private final StringBuilder text = new StringBuilder(512).append("DKIM-Signature:");
  private int line = text.length();

  /** A whole tag ("v=1;"), after a space or a fold. */
  SignatureField tag(String tag) {
    if (line + 1 + tag.length() > MAX_LINE) {
      fold();
    } else {
      append(" ");
    }
    append(tag);
    return this;
  }

  /** {@code h=} with names separated by colons, folding after a colon when needed. */
  SignatureField names(String tag, Iterable<String> names) {
    tag(tag + "=");
    boolean first = true;
    for (String name : names) {
      String atom = first ? name : ":" + name;
      if (line + atom.length() + 1 > MAX_LINE) { // + 1 keeps room for the ';'
        fold();
      }
      append(atom);
      first = false;
    }
    append(";");
    return this;
  }

  /** A base64 tag ("bh=...;"), its value broken across lines wherever a line is full. */
  SignatureField base64(String tag, String value) {
    tag(tag + "=");
    return base64Value(value + ";");
  }

  /** Continues the current tag with base64 text, folding wherever a line is full. */
  SignatureField base64Value(String value) {
    String rest = value;
    while (!rest.isEmpty()) {
      if (line >= MAX_LINE) {
        fold();
      }
      int n = Math.min(MAX_LINE - line, rest.length());
      append(rest.substring(0, n));
      rest = rest.substring(n);
    }
    return this;
  }

  /** The field so far, without a final CRLF: what is hashed when {@code b=} is still empty. */
  byte[] unterminated() {
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The finished field with its CRLF. */
  byte[] field() {
    return (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private void fold() {
    text.append(FOLD);
    line = 1;
  }

  private void append(String s) {
    text.append(s);
    line += s.length();
  }
}
