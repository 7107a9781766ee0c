package io.hermod.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Streams a message body through one body canonicalization (RFC 6376 3.4.3, 3.4.4) into SHA-256.
 *
 * <p>Bytes may arrive in any split: what cannot be decided yet (a CR that may start a CRLF, white
 * space that may end a line, CRLFs that may be trailing empty lines) is held back as counts and
 * flags, never as a copy of the body. Bare CR and LF are content, as in dkimpy and OpenDKIM.
 */
final class BodyHasher {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte SP = ' ';

  private final boolean relaxed;
  private final MessageDigest digest;
  private final byte[] out = new byte[8192];
  private int outLength;

  /** CRLFs seen since the last content byte: they become output only when content follows. */
  private long heldCrlfs;
  /** A CR seen, not yet known to start a CRLF. */
  private boolean heldCr;
  /** Relaxed: white space seen since the last content byte on this line. */
  private boolean heldSpace;
  /** Any content byte has been output (the body is not empty). */
  private boolean content;
  private byte[] hash;

  BodyHasher(Canonicalization canonicalization) {
    this.relaxed = canonicalization == Canonicalization.RELAXED;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  void update(byte[] bytes, int offset, int length) {
    if (hash != null) {
      throw new IllegalStateException("body hash already finished");
    }
    for (int i = offset, end = offset + length; i < end; i++) {
      byte b = bytes[i];
      if (heldCr) {
        heldCr = false;
        if (b == LF) {
          heldCrlfs++;
          heldSpace = false; // relaxed: white space at the end of a line is ignored
          continue;
        }
        content(CR);
      }
      if (b == CR) {
        heldCr = true;
      } else if (relaxed && (b == SP || b == '\t')) {
        heldSpace = true;
      } else {
        content(b);
      }
    }
  }

  /** Ends the body and returns its hash (the {@code bh=} value before base64). */
  byte[] finish() {
    if (hash == null) {
      if (heldCr) {
        heldCr = false;
        content(CR);
      }
      if (heldSpace) { // white space on a last line without CRLF is kept as one SP, as dkimpy does
        heldSpace = false;
        content(SP);
      }
      // Trailing empty lines are dropped; a non-empty body ends with exactly one CRLF. An empty
      // body is empty in relaxed and one CRLF in simple.
      if (content || !relaxed) {
        put(CR);
        put(LF);
      }
      digest.update(out, 0, outLength);
      outLength = 0;
      hash = digest.digest();
    }
    return hash.clone();
  }

  private void content(byte b) {
    for (; heldCrlfs > 0; heldCrlfs--) {
      put(CR);
      put(LF);
    }
    if (heldSpace) {
      heldSpace = false;
      put(SP);
    }
    put(b);
    content = true;
  }

  private void put(byte b) {
    if (outLength == out.length) {
      digest.update(out, 0, outLength);
      outLength = 0;
    }
    out[outLength++] = b;
  }
}
