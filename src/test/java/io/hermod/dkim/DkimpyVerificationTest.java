package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hermod.dns.Dnsmasq;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signs with RSA-2048 and Ed25519 keys from {@link KeyGen} and verifies with software Hermod did
 * not write: Debian's dkimpy, fetching the public keys over DNS from a dnsmasq this test starts.
 */
class DkimpyVerificationTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String DOMAIN = "example.test";
  private static final int CHUNK = 256 * 1024;

  private static Dnsmasq dns;
  private static SigningKey rsa;
  private static SigningKey ed25519;

  @TempDir
  Path dir;

  @BeforeAll
  static void keysAndDns() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
    Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import dkim, dns.resolver, nacl")
        .redirectErrorStream(true).start();
    assumeTrue(probe.waitFor() == 0, "/usr/bin/python3 lacks dkim (python3-dkim), dnspython or nacl");
    KeyGen.GeneratedKey rsaKey = KeyGen.generate(Algorithm.RSA_SHA256, 2048);
    KeyGen.GeneratedKey edKey = KeyGen.generate(Algorithm.ED25519_SHA256, 0);
    rsa = SigningKey.of(rsaKey.keyPair().getPrivate(), DOMAIN, "rsa", Algorithm.RSA_SHA256);
    ed25519 = SigningKey.of(edKey.keyPair().getPrivate(), DOMAIN, "ed", Algorithm.ED25519_SHA256);
    assertThat(rsaKey.dnsTxt().length()).isGreaterThan(255); // the TXT record needs several strings
    dns = Dnsmasq.start(Dnsmasq.longTxt(rsa.dnsName(), rsaKey.dnsTxt()),
        Dnsmasq.longTxt(ed25519.dnsName(), edKey.dnsTxt()));
  }

  @AfterAll
  static void stopDns() {
    if (dns != null) {
      dns.close();
    }
  }

  private static List<SigningKey> dual(Canonicalization c) {
    return List.of(rsa.withCanonicalization(c, c), ed25519.withCanonicalization(c, c));
  }

  @Test
  void dualSignatures_relaxedAndSimple_verifyForEveryKindOfMessage() throws Exception {
    Map<String, byte[]> messages = new LinkedHashMap<>();
    messages.put("folded-duplicate", crlf("Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000",
        "From: Sender <sender@example.test>", "To: one@rcpt.test", "Subject: a subject that is", "\tfolded  over",
        "   three lines", "To: two@rcpt.test", "Cc: c@rcpt.test,", " d@rcpt.test", "Date: Mon, 1 Jan 2024 00:00:00 +0000",
        "Message-ID: <1@example.test>", "", "Hello.", ""));
    messages.put("utf8-headers", crlf("From: =?utf-8?q?J=C3=B6rg?= <j@example.test>",
        "To: J\u00fcrgen <j\u00fcrgen@rcpt.test>", "Subject: \u00e9t\u00e9 \u2603 caf\u00e9", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
        "Gr\u00fc\u00dfe \u2603", ""));
    messages.put("empty-body", crlf("From: a@example.test", "To: b@rcpt.test", "Subject: empty", "", ""));
    messages.put("trailing-blank-lines", crlf("From: a@example.test", "To: b@rcpt.test", "", "body", "", "", "",
        ""));
    messages.put("trailing-whitespace", crlf("From: a@example.test", "To: b@rcpt.test", "Subject: ws  \t",
        "", "line one  ", "line\t two \t", "  ", "end", ""));
    messages.put("list-headers", crlf("From: news@example.test", "To: b@rcpt.test",
        "List-Unsubscribe: <https://example.test/u/1>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Feedback-ID: 1:campaign:example", "", "news", ""));
    messages.put("large-body", largeMessage());

    List<Path> files = new ArrayList<>();
    for (Canonicalization c : Canonicalization.values()) {
      for (Map.Entry<String, byte[]> m : messages.entrySet()) {
        byte[] signed = sign(m.getValue(), dual(c), m.getKey().equals("large-body") ? CHUNK : 7);
        files.add(write(c.tag() + "-" + m.getKey(), signed));
      }
    }
    Map<String, List<Boolean>> results = verify(files);
    assertThat(results).hasSize(files.size());
    results.forEach((file, sigs) -> assertThat(sigs).as(file).containsExactly(true, true));
  }

  @Test
  void oneBodyByteChangedAfterSigning_failsVerification() throws Exception {
    byte[] message = crlf("From: a@example.test", "To: b@rcpt.test", "Subject: s", "", "amount: 100", "");
    List<Path> files = new ArrayList<>();
    for (Canonicalization c : Canonicalization.values()) {
      byte[] signed = sign(message, dual(c), 5);
      files.add(write(c.tag() + "-intact", signed));
      byte[] tampered = signed.clone();
      tampered[indexOf(tampered, "100") + 1] = '9';
      files.add(write(c.tag() + "-tampered", tampered));
    }
    Map<String, List<Boolean>> results = verify(files);
    assertThat(results.get("relaxed-intact")).containsExactly(true, true);
    assertThat(results.get("simple-intact")).containsExactly(true, true);
    assertThat(results.get("relaxed-tampered")).containsExactly(false, false);
    assertThat(results.get("simple-tampered")).containsExactly(false, false);
  }

  @Test
  void whitespaceAddedInTransit_breaksSimpleButNotRelaxed() throws Exception {
    byte[] message = crlf("From: a@example.test", "To: b@rcpt.test", "Subject: s", "", "line", "");
    List<Path> files = new ArrayList<>();
    for (Canonicalization c : Canonicalization.values()) {
      String signed = new String(sign(message, dual(c), 3), StandardCharsets.UTF_8);
      files.add(write(c.tag(), signed.replace("\r\nline\r\n", "\r\nline \r\n\r\n").getBytes(StandardCharsets.UTF_8)));
    }
    Map<String, List<Boolean>> results = verify(files);
    assertThat(results.get("relaxed")).containsExactly(true, true);
    assertThat(results.get("simple")).containsExactly(false, false);
  }

  @Test
  void addedOverSignedHeader_failsVerification() throws Exception {
    byte[] message = crlf("From: a@example.test", "To: b@rcpt.test", "Subject: s", "", "body", "");
    String signed = new String(sign(message, dual(Canonicalization.RELAXED), 11), StandardCharsets.UTF_8);
    Path intact = write("intact", signed.getBytes(StandardCharsets.UTF_8));
    Path added = write("added", signed.replace("\r\nSubject: s\r\n", "\r\nSubject: s\r\nSubject: win\r\n")
        .getBytes(StandardCharsets.UTF_8));
    Map<String, List<Boolean>> results = verify(List.of(intact, added));
    assertThat(results.get("intact")).containsExactly(true, true);
    assertThat(results.get("added")).containsExactly(false, false);
  }

  @Test
  void expiringSignature_verifiesWithXTag() throws Exception {
    byte[] message = crlf("From: a@example.test", "", "x", "");
    byte[] signed = sign(message, List.of(rsa.withExpiry(Duration.ofDays(7))), 64);
    assertThat(new String(signed, StandardCharsets.US_ASCII)).contains(" x=");
    assertThat(verify(List.of(write("expiring", signed))).get("expiring")).containsExactly(true);
  }

  private static byte[] largeMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(crlf("From: a@example.test", "To: b@rcpt.test", "Subject: large", "", ""));
    int line = 0;
    while (out.size() < 3 * CHUNK + 12345) {
      out.writeBytes(("line " + line + (line % 3 == 0 ? " \t " : "") + (line % 7 == 0 ? "  x\t\ty" : "")
          + (line % 11 == 0 ? "\r\n\r\n" : "\r\n")).getBytes(StandardCharsets.US_ASCII));
      line++;
    }
    out.writeBytes(crlf("", "", ""));
    return out.toByteArray();
  }

  /** Feeds the message in {@code chunk}-byte pieces and returns it with its signatures prepended. */
  private static byte[] sign(byte[] message, List<SigningKey> keys, int chunk) {
    MessageSigner signer = new MessageSigner(keys, Clock.systemUTC());
    for (int i = 0; i < message.length; i += chunk) {
      signer.update(message, i, Math.min(chunk, message.length - i));
    }
    byte[] fields = signer.finish();
    assertThat(signer.status()).isEqualTo(MessageSigner.Status.SIGNED);
    for (String line : new String(fields, StandardCharsets.US_ASCII).split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
    }
    byte[] signed = Arrays.copyOf(fields, fields.length + message.length);
    System.arraycopy(message, 0, signed, fields.length, message.length);
    return signed;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Map<String, List<Boolean>> verify(List<Path> files) throws Exception {
    return io.hermod.support.Dkimpy.verify(dir, dns.port(), files);
  }

  private static byte[] crlf(String... lines) {
    return String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] bytes, String text) {
    return new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf(text);
  }
}
