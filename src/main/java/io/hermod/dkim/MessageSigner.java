package io.hermod.dkim;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Signs one message as it streams past: {@link #update} with the message as stored (CRLF line
 * endings, un-dot-stuffed) in any splits, then {@link #finish()} for the DKIM-Signature fields to
 * prepend. The header section is kept (up to {@link #MAX_HEADER_BYTES}); the body only goes
 * through one streaming canonicalizer and SHA-256 per body canonicalization in use.
 *
 * <p>Not thread-safe; one instance per message.
 */
public final class MessageSigner {

  /** A header section larger than this is not signed ({@link Status#HEADER_TOO_LARGE}). */
  public static final int MAX_HEADER_BYTES = 256 * 1024;

  /** What {@link #finish()} did. */
  public enum Status {
    /** Not finished yet. */
    PENDING,
    /** At least one signature was made (see {@link #problem()} if another key failed). */
    SIGNED,
    /** No key for this message: sent unsigned. */
    NO_KEYS,
    /** The header section exceeds {@link #MAX_HEADER_BYTES}: sent unsigned. */
    HEADER_TOO_LARGE,
    /** Every key failed to sign (see {@link #problem()}): sent unsigned. */
    FAILED
  }

  private final Function<Optional<String>, List<SigningKey>> chooser;
  private final Clock clock;

  private byte[] header = new byte[2048];
  private int headerLength;
  private boolean inHeader = true;
  private boolean tooLarge;
  private HeaderFields fields;
  private List<SigningKey> keys;
  private final Map<Canonicalization, BodyHasher> bodies = new EnumMap<>(Canonicalization.class);
  private Status status = Status.PENDING;
  private String problem;

  /** Signs with exactly these keys (none: {@link #finish()} returns no field). */
  public MessageSigner(List<SigningKey> keys, Clock clock) {
    this(from -> keys, clock);
  }

  private MessageSigner(Function<Optional<String>, List<SigningKey>> chooser, Clock clock) {
    this.chooser = chooser;
    this.clock = clock;
  }

  /** Signs with the keys {@code keys} holds for the From: domain, chosen when the header section ends. */
  public static MessageSigner forFromDomain(DkimKeys keys, Clock clock) {
    return new MessageSigner(from -> from.map(keys::keysFor).orElseGet(keys::defaultKeys), clock);
  }

  public void update(byte[] bytes, int offset, int length) {
    if (status != Status.PENDING) {
      throw new IllegalStateException("message already finished");
    }
    int end = offset + length;
    int i = offset;
    while (inHeader && i < end) {
      if (tooLarge) {
        return;
      }
      if (headerLength == header.length) {
        if (headerLength >= MAX_HEADER_BYTES) {
          tooLarge = true;
          header = null;
          return;
        }
        header = Arrays.copyOf(header, Math.min(header.length * 2, MAX_HEADER_BYTES));
      }
      header[headerLength++] = bytes[i++];
      if (endsHeader()) {
        endHeader(headerLength - 2);
      }
    }
    if (i < end) {
      for (BodyHasher body : bodies.values()) {
        body.update(bytes, i, end - i);
      }
    }
  }

  /**
   * Ends the message and returns the DKIM-Signature fields to prepend to it, each ending in CRLF,
   * one per key; an empty array when nothing was signed (see {@link #status()}).
   */
  public byte[] finish() {
    if (status != Status.PENDING) {
      throw new IllegalStateException("message already finished");
    }
    if (tooLarge) {
      status = Status.HEADER_TOO_LARGE;
      problem = "header section over " + MAX_HEADER_BYTES + " bytes";
      return new byte[0];
    }
    if (inHeader) { // no empty line: the whole message is header, the body is empty
      endHeader(headerLength);
    }
    if (keys.isEmpty()) {
      status = Status.NO_KEYS;
      return new byte[0];
    }
    long now = clock.instant().getEpochSecond();
    ByteArrayOutputStream out = new ByteArrayOutputStream(keys.size() * 512);
    List<String> failures = new ArrayList<>();
    for (SigningKey key : keys) {
      try {
        out.writeBytes(sign(key, now));
      } catch (GeneralSecurityException | RuntimeException e) {
        failures.add(key.dnsName() + " " + key.algorithm().tag() + ": " + e);
      }
    }
    status = out.size() > 0 ? Status.SIGNED : Status.FAILED;
    problem = failures.isEmpty() ? null : String.join("; ", failures);
    return out.toByteArray();
  }

  public Status status() {
    return status;
  }

  /** Why a key did not sign, when one did not. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** The From: domain, once the header section has ended (empty before, or if there is none). */
  public Optional<String> fromDomain() {
    return fields == null ? Optional.empty() : fields.fromDomain();
  }

  /** The keys chosen for this message, once the header section has ended. */
  public List<SigningKey> keys() {
    return keys == null ? List.of() : keys;
  }

  private boolean endsHeader() {
    int n = headerLength;
    if (n < 2 || header[n - 2] != '\r' || header[n - 1] != '\n') {
      return false;
    }
    return n == 2 || (n >= 4 && header[n - 4] == '\r' && header[n - 3] == '\n');
  }

  private void endHeader(int sectionLength) {
    inHeader = false;
    fields = HeaderFields.parse(header, sectionLength);
    keys = List.copyOf(chooser.apply(fields.fromDomain()));
    for (SigningKey key : keys) {
      bodies.computeIfAbsent(key.bodyCanonicalization(), BodyHasher::new);
    }
  }

  private byte[] sign(SigningKey key, long now) throws GeneralSecurityException {
    List<String> names = signedNames(key);
    SignatureField field = new SignatureField()
        .tag("v=1;")
        .tag("a=" + key.algorithm().tag() + ";")
        .tag("c=" + key.headerCanonicalization().tag() + "/" + key.bodyCanonicalization().tag() + ";")
        .tag("d=" + key.domain() + ";")
        .tag("s=" + key.selector() + ";")
        .tag("t=" + now + ";");
    key.expiry().ifPresent(expiry -> field.tag("x=" + (now + expiry.toSeconds()) + ";"));
    field.names("h", names)
        .base64("bh", Base64.getEncoder().encodeToString(bodies.get(key.bodyCanonicalization()).finish()))
        .tag("b=");
    byte[] data = signedHeaderData(key, names, field.unterminated());
    field.base64Value(Base64.getEncoder().encodeToString(signature(key, data)));
    return field.field();
  }

  /** h=: each listed name once per instance present, plus once more if over-signed. */
  private List<String> signedNames(SigningKey key) {
    Map<String, Integer> counts = new HashMap<>();
    for (HeaderFields.Field f : fields.fields()) {
      counts.merge(f.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    List<String> names = new ArrayList<>();
    for (String name : key.headers()) {
      int n = counts.getOrDefault(name.toLowerCase(Locale.ROOT), 0) + (key.isOverSigned(name) ? 1 : 0);
      for (int i = 0; i < n; i++) {
        names.add(name);
      }
    }
    return names;
  }

  /** RFC 6376 5.4.2: for each name in h=, the next instance from the bottom; then this signature. */
  private byte[] signedHeaderData(SigningKey key, List<String> names, byte[] signatureField) {
    boolean relaxed = key.headerCanonicalization() == Canonicalization.RELAXED;
    Map<String, Integer> nextFromBottom = new HashMap<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream(2048);
    List<HeaderFields.Field> all = fields.fields();
    for (String name : names) {
      String lower = name.toLowerCase(Locale.ROOT);
      int from = nextFromBottom.getOrDefault(lower, all.size()) - 1;
      while (from >= 0 && !all.get(from).name().equalsIgnoreCase(name)) {
        from--;
      }
      nextFromBottom.put(lower, Math.max(from, 0));
      if (from >= 0) {
        if (relaxed) {
          fields.relaxed(all.get(from), data);
        } else {
          fields.simple(all.get(from), data);
        }
      }
    }
    if (relaxed) {
      ByteArrayOutputStream canonical = new ByteArrayOutputStream(signatureField.length);
      HeaderFields.relaxed(signatureField, 0, signatureField.length, canonical);
      data.write(canonical.toByteArray(), 0, canonical.size() - 2); // hashed without its CRLF
    } else {
      data.writeBytes(signatureField);
    }
    return data.toByteArray();
  }

  private static byte[] signature(SigningKey key, byte[] data) throws GeneralSecurityException {
    Signature signer;
    byte[] signed;
    if (key.algorithm() == Algorithm.RSA_SHA256) {
      signer = Signature.getInstance("SHA256withRSA");
      signed = data;
    } else { // RFC 8463: Ed25519 over the SHA-256 of the header data
      signer = Signature.getInstance("Ed25519");
      signed = MessageDigest.getInstance("SHA-256").digest(data);
    }
    signer.initSign(key.privateKey());
    signer.update(signed);
    return signer.sign();
  }
}
