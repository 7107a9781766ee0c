package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyHasherTest {

  /** The body of RFC 6376 3.4.5. */
  private static final String RFC_BODY = " C \r\nD \t E\r\n\r\n\r\n";

  private static final List<String> BODIES = List.of("", "\r\n", "\r\n\r\n", " \r\n", "a", "a\r\n",
      "a\r\n\r\n\r\n", "a \t \r\n b\t\tc  \r\n\r\n", RFC_BODY, "line\r\n \t\r\n\r\n", "bare\rcr\r\r\n",
      "bare\nlf\n\r\n", "x\r", "x\r\n \t", "  lead\r\n\r\nmid\r\n\r\n  \r\n", "\u00e9t\u00e9 \u2603\r\n");

  @Test
  void rfc6376Example_relaxedAndSimple() {
    assertThat(hash(Canonicalization.RELAXED, RFC_BODY)).isEqualTo(sha256(" C\r\nD E\r\n"));
    assertThat(hash(Canonicalization.SIMPLE, RFC_BODY)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
  }

  @Test
  void emptyBody_relaxedIsEmpty_simpleIsOneCrlf() {
    assertThat(hash(Canonicalization.RELAXED, "")).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assertThat(hash(Canonicalization.SIMPLE, "")).isEqualTo("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
    assertThat(hash(Canonicalization.RELAXED, "\r\n\r\n")).isEqualTo(sha256(""));
    assertThat(hash(Canonicalization.SIMPLE, "\r\n\r\n")).isEqualTo(sha256("\r\n"));
  }

  @Test
  void trailingBlankLines_areReducedToOneCrlf() {
    assertThat(hash(Canonicalization.RELAXED, "a\r\n\r\n \r\n\t\r\n")).isEqualTo(sha256("a\r\n"));
    assertThat(hash(Canonicalization.SIMPLE, "a\r\n\r\n\r\n")).isEqualTo(sha256("a\r\n"));
    // simple keeps a line of white space: it is not empty
    assertThat(hash(Canonicalization.SIMPLE, "a\r\n \r\n\r\n")).isEqualTo(sha256("a\r\n \r\n"));
    assertThat(hash(Canonicalization.SIMPLE, "a")).isEqualTo(sha256("a\r\n"));
  }

  @Test
  void trailingWhitespace_relaxedDropsIt_simpleKeepsIt() {
    assertThat(hash(Canonicalization.RELAXED, "a  \t\r\nb \r\n")).isEqualTo(sha256("a\r\nb\r\n"));
    assertThat(hash(Canonicalization.SIMPLE, "a  \t\r\nb \r\n")).isEqualTo(sha256("a  \t\r\nb \r\n"));
  }

  @Test
  void everyBody_matchesTheWholeBufferReference() {
    for (String body : BODIES) {
      assertThat(hash(Canonicalization.RELAXED, body)).as("relaxed %s", body).isEqualTo(sha256(relaxedReference(body)));
      assertThat(hash(Canonicalization.SIMPLE, body)).as("simple %s", body).isEqualTo(sha256(simpleReference(body)));
    }
  }

  @Test
  void everySplitPoint_givesTheSameHash() {
    for (Canonicalization c : Canonicalization.values()) {
      for (String text : BODIES) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String whole = hash(c, text);
        BodyHasher bytewise = new BodyHasher(c);
        for (int i = 0; i < body.length; i++) {
          bytewise.update(body, i, 1);
        }
        assertThat(b64(bytewise.finish())).as("%s 1-byte pieces of %s", c, text).isEqualTo(whole);
        for (int i = 0; i <= body.length; i++) {
          for (int j = i; j <= body.length; j++) {
            BodyHasher split = new BodyHasher(c);
            split.update(body, 0, i);
            split.update(body, i, j - i);
            split.update(body, j, body.length - j);
            assertThat(b64(split.finish())).as("%s split at %d,%d of %s", c, i, j, text).isEqualTo(whole);
          }
        }
      }
    }
  }

  /** dkimpy's whole-buffer relaxed body canonicalization. */
  private static String relaxedReference(String body) {
    String s = body.replaceAll("[\t ]+\r\n", "\r\n").replaceAll("[\t ]+", " ");
    s = simpleReference(s);
    return s.equals("\r\n") ? "" : s;
  }

  /** dkimpy's whole-buffer simple body canonicalization. */
  private static String simpleReference(String body) {
    String s = body;
    while (s.endsWith("\r\n")) {
      s = s.substring(0, s.length() - 2);
    }
    return s + "\r\n";
  }

  private static String hash(Canonicalization c, String body) {
    BodyHasher hasher = new BodyHasher(c);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    hasher.update(bytes, 0, bytes.length);
    return b64(hasher.finish());
  }

  private static String sha256(String text) {
    try {
      return b64(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
