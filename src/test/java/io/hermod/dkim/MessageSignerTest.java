package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MessageSignerTest {

  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  private static SigningKey ed25519;

  @BeforeAll
  static void key() {
    ed25519 = SigningKey.of(KeyGen.generate(Algorithm.ED25519_SHA256, 0).keyPair().getPrivate(),
        "Example.TEST", "sel", Algorithm.ED25519_SHA256);
  }

  private static final byte[] MESSAGE = ("From: A <a@news.example.test>\r\nTo: x@rcpt.test\r\nTo: y@rcpt.test\r\n"
      + "Subject: hi\r\n \tthere\r\nReceived: x\r\n\r\n body \r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  @Test
  void everySplitPoint_givesTheSameSignature() {
    // Ed25519 signatures are deterministic, so equal bytes mean equal header and body hashes.
    byte[] whole = sign(List.of(ed25519), MESSAGE, MESSAGE.length);
    for (int i = 0; i <= MESSAGE.length; i++) {
      MessageSigner signer = new MessageSigner(List.of(ed25519), CLOCK);
      signer.update(MESSAGE, 0, i);
      signer.update(MESSAGE, i, MESSAGE.length - i);
      assertThat(signer.finish()).as("split at %d", i).isEqualTo(whole);
    }
    assertThat(sign(List.of(ed25519), MESSAGE, 1)).isEqualTo(whole);
  }

  @Test
  void signedNames_eachInstancePresent_plusOneForOverSigned() {
    String field = new String(sign(List.of(ed25519), MESSAGE, 5), StandardCharsets.US_ASCII);
    String unfolded = field.replace("\r\n ", " ");
    String h = field.replace("\r\n ", "").replaceAll("(?s).*[; ]h=([^;]*);.*", "$1").replace(" ", "");
    assertThat(h).isEqualTo("From:From:Subject:Subject:To:To:To:List-Unsubscribe:List-Unsubscribe-Post");
    assertThat(unfolded).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.test;"
        + " s=sel;").contains("t=1700000000;").doesNotContain("x=").endsWith("\r\n");
    for (String line : field.split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(78);
    }
  }

  @Test
  void hermodsReferenceHeader_isSignedByDefault() {
    byte[] message = ("Received: x\r\nX-Hermod-Ref: 1AbC\r\nFrom: a@news.example.test\r\n\r\nbody\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    String field = new String(sign(List.of(ed25519), message, 7), StandardCharsets.US_ASCII);

    assertThat(field.replace("\r\n ", "").replaceAll("(?s).*[; ]h=([^;]*);.*", "$1").replace(" ", ""))
        .isEqualTo("From:From:Subject:To:List-Unsubscribe:List-Unsubscribe-Post:X-Hermod-Ref");
  }

  @Test
  void fromDomain_isExposedOnceTheHeaderEnds() {
    MessageSigner signer = new MessageSigner(List.of(), CLOCK);
    signer.update(MESSAGE, 0, 20);
    assertThat(signer.fromDomain()).isEmpty();
    signer.update(MESSAGE, 20, MESSAGE.length - 20);
    assertThat(signer.fromDomain()).contains("news.example.test");
  }

  @Test
  void noKeys_returnsNothing() {
    MessageSigner signer = new MessageSigner(List.of(), CLOCK);
    signer.update(MESSAGE, 0, MESSAGE.length);
    assertThat(signer.finish()).isEmpty();
    assertThat(signer.status()).isEqualTo(MessageSigner.Status.NO_KEYS);
  }

  @Test
  void forFromDomain_choosesTheParentDomainsKeys() {
    DkimKeys keys = new DkimKeys(List.of(ed25519), List.of());
    MessageSigner signer = MessageSigner.forFromDomain(keys, CLOCK);
    signer.update(MESSAGE, 0, MESSAGE.length);
    assertThat(signer.finish()).isNotEmpty();
    assertThat(signer.keys()).containsExactly(ed25519);
    assertThat(signer.status()).isEqualTo(MessageSigner.Status.SIGNED);
  }

  @Test
  void headerSectionOverTheCap_isNotSigned_andSaysSo() {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.writeBytes("From: a@example.test\r\n".getBytes(StandardCharsets.US_ASCII));
    while (header.size() <= MessageSigner.MAX_HEADER_BYTES) {
      header.writeBytes("X-Filler: 0123456789012345678901234567890123456789\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    header.writeBytes("\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] message = header.toByteArray();
    MessageSigner signer = new MessageSigner(List.of(ed25519), CLOCK);
    signer.update(message, 0, message.length);
    assertThat(signer.finish()).isEmpty();
    assertThat(signer.status()).isEqualTo(MessageSigner.Status.HEADER_TOO_LARGE);
    assertThat(signer.problem()).isPresent();
  }

  @Test
  void messageWithoutBody_isSignedWithAnEmptyBody() {
    byte[] headersOnly = "From: a@example.test\r\nSubject: s\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] withEmptyBody = "From: a@example.test\r\nSubject: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(sign(List.of(ed25519), headersOnly, 4)).isEqualTo(sign(List.of(ed25519), withEmptyBody, 4));
  }

  private static byte[] sign(List<SigningKey> keys, byte[] message, int chunk) {
    MessageSigner signer = new MessageSigner(keys, CLOCK);
    for (int i = 0; i < message.length; i += chunk) {
      signer.update(message, i, Math.min(chunk, message.length - i));
    }
    return signer.finish();
  }
}
