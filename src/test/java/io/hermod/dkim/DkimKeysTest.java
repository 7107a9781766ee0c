package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimKeysTest {

  @TempDir
  Path dir;

  private SigningKey key(String name, String domain, Algorithm alg) throws Exception {
    Path pem = Files.writeString(dir.resolve(name), KeyGen.generate(alg, 2048).privateKeyPem());
    return SigningKey.load(pem, domain, name, alg);
  }

  @Test
  void keysFor_exactThenParentThenDefault() throws Exception {
    SigningKey rsa = key("rsa", "example.test", Algorithm.RSA_SHA256);
    SigningKey ed = key("ed", "example.test", Algorithm.ED25519_SHA256);
    SigningKey sub = key("sub", "news.example.test", Algorithm.ED25519_SHA256);
    SigningKey fallback = key("default", "relay.test", Algorithm.ED25519_SHA256);
    DkimKeys keys = new DkimKeys(List.of(rsa, ed, sub), List.of(fallback));
    assertThat(keys.keysFor("example.test")).containsExactly(rsa, ed);
    assertThat(keys.keysFor("News.Example.Test")).containsExactly(sub);
    assertThat(keys.keysFor("a.b.example.test")).containsExactly(rsa, ed);
    assertThat(keys.keysFor("other.test")).containsExactly(fallback);
    assertThat(new DkimKeys(List.of(rsa), List.of()).keysFor("other.test")).isEmpty();
  }

  @Test
  void reload_readsAChangedFile_andKeepsTheOldKeyWhenUnreadable() throws Exception {
    SigningKey old = key("ed", "example.test", Algorithm.ED25519_SHA256);
    DkimKeys keys = new DkimKeys(List.of(old), List.of());
    assertThat(keys.reload()).isZero();

    KeyGen.GeneratedKey rotated = KeyGen.generate(Algorithm.ED25519_SHA256, 0);
    Files.writeString(old.file(), rotated.privateKeyPem());
    Files.setLastModifiedTime(old.file(), FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(keys.reload()).isEqualTo(1);
    assertThat(keys.keysFor("example.test").get(0).privateKey()).isEqualTo(rotated.keyPair().getPrivate());

    Files.writeString(old.file(), "half written");
    Files.setLastModifiedTime(old.file(), FileTime.from(Instant.now().plusSeconds(10)));
    assertThat(keys.reload()).isZero();
    assertThat(keys.reload()).isZero();
    assertThat(keys.keysFor("example.test").get(0).privateKey()).isEqualTo(rotated.keyPair().getPrivate());

    Files.delete(old.file());
    assertThat(keys.reload()).isZero();
    assertThat(keys.keysFor("example.test")).hasSize(1);
  }
}
