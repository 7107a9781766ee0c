package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

  @TempDir
  Path dir;

  @Test
  void pkcs8_rsaAndEd25519_load() throws Exception {
    for (Algorithm alg : Algorithm.values()) {
      KeyGen.GeneratedKey generated = KeyGen.generate(alg, 2048);
      Path pem = Files.writeString(dir.resolve(alg.name()), generated.privateKeyPem());
      SigningKey key = SigningKey.load(pem, "Example.test", "s1", alg);
      assertThat(key.privateKey()).isEqualTo(generated.keyPair().getPrivate());
      assertThat(key.domain()).isEqualTo("example.test");
      assertThat(key.file()).isEqualTo(pem);
      assertThat(key.dnsName()).isEqualTo("s1._domainkey.example.test");
    }
  }

  @Test
  void pkcs1Rsa_loads() throws Exception {
    KeyGen.GeneratedKey generated = KeyGen.generate(Algorithm.RSA_SHA256, 2048);
    byte[] pkcs8 = generated.keyPair().getPrivate().getEncoded();
    // PrivateKeyInfo: SEQUENCE(4) version(3) AlgorithmIdentifier(15) OCTET STRING header(4), then PKCS#1
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    Path pem = Files.writeString(dir.resolve("rsa1.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
    SigningKey key = SigningKey.load(pem, "example.test", "s", Algorithm.RSA_SHA256);
    assertThat(key.privateKey()).isEqualTo(generated.keyPair().getPrivate());
  }

  @Test
  void rsaKeyOf512Bits_isRefused_namingTheFile() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(512);
    Path pem = Files.writeString(dir.resolve("small.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(small.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> SigningKey.load(pem, "example.test", "s", Algorithm.RSA_SHA256))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(pem.toString())
        .hasMessageContaining("512 bits");
  }

  @Test
  void wrongOrMissingKey_isRefused_namingTheFile() throws Exception {
    Path ed = Files.writeString(dir.resolve("ed.pem"), KeyGen.generate(Algorithm.ED25519_SHA256, 0).privateKeyPem());
    assertThatThrownBy(() -> SigningKey.load(ed, "example.test", "s", Algorithm.RSA_SHA256))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ed.toString())
        .hasMessageContaining("not a PKCS#8 RSA key");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> SigningKey.load(missing, "example.test", "s", Algorithm.ED25519_SHA256))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
    assertThatThrownBy(() -> SigningKey.load(garbage, "example.test", "s", Algorithm.ED25519_SHA256))
        .hasMessageContaining(garbage.toString()).hasMessageContaining("BEGIN PRIVATE KEY");
  }

  @Test
  void rsaSha1_isNeverOffered() {
    assertThat(Arrays.stream(Algorithm.values()).map(Algorithm::tag)).containsExactly("rsa-sha256", "ed25519-sha256");
    assertThatThrownBy(() -> Algorithm.parse("rsa-sha1")).hasMessageContaining("RFC 8301");
  }

  @Test
  void headerListWithoutFrom_isRefused() {
    SigningKey key = SigningKey.of(KeyGen.generate(Algorithm.ED25519_SHA256, 0).keyPair().getPrivate(),
        "example.test", "s", Algorithm.ED25519_SHA256);
    assertThatThrownBy(() -> key.withHeaders(List.of("Subject"), Set.of())).hasMessageContaining("From");
  }

  @Test
  void keyGen_dnsRecords() {
    assertThat(KeyGen.generate(Algorithm.RSA_SHA256, 2048).dnsTxt()).startsWith("v=DKIM1; k=rsa; p=MIIBIjAN");
    String ed = KeyGen.generate(Algorithm.ED25519_SHA256, 0).dnsTxt();
    assertThat(ed).startsWith("v=DKIM1; k=ed25519; p=");
    assertThat(Base64.getDecoder().decode(ed.substring(ed.indexOf("p=") + 2))).hasSize(32);
  }
}
