package io.hermod.dkim;

/** A canonicalization algorithm (RFC 6376 3.4); a signature names one for headers and one for the body. */
public enum Canonicalization {
  SIMPLE("simple"),
  RELAXED("relaxed");

  private final String tag;

  Canonicalization(String tag) {
    this.tag = tag;
  }

  /** The name used in the {@code c=} tag. */
  public String tag() {
    return tag;
  }
}
