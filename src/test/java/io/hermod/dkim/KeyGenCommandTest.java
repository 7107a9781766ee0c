package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hermod dkim keygen}: a private key file only its owner reads, and the record to publish. */
class KeyGenCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return KeyGenCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void rsa_writesALoadableKeyWithMode0600_andPrintsTheTxtRecordInStrings() throws Exception {
        Path key = dir.resolve("k.pem");
        assertThat(run("--algorithm", "rsa", "--domain", "Example.COM", "--selector", "s1", "--out", key.toString()))
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        SigningKey loaded = SigningKey.load(key, "example.com", "s1", Algorithm.RSA_SHA256);
        assertThat(loaded.dnsName()).isEqualTo("s1._domainkey.example.com");
        String record = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(record).startsWith("s1._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p=MII")
                .contains("\" \""); // a 2048-bit key does not fit one 255-character string
    }

    @Test
    void ed25519_writesAKey_andTheRawPublicKey() throws Exception {
        Path key = dir.resolve("e.pem");
        assertThat(run("--algorithm", "ed25519", "--domain", "example.com", "--selector", "e1", "--out",
                key.toString())).isZero();
        SigningKey.load(key, "example.com", "e1", Algorithm.ED25519_SHA256);
        assertThat(out.toString(StandardCharsets.UTF_8)).matches(
                "e1\\._domainkey\\.example\\.com\\. IN TXT \"v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=\"\\s*");
    }

    @Test
    void existingFile_isNeverOverwritten() throws Exception {
        Path key = Files.writeString(dir.resolve("k.pem"), "keep me");
        assertThat(run("--algorithm", "rsa", "--domain", "example.com", "--selector", "s1", "--out", key.toString()))
                .isEqualTo(2);
        assertThat(Files.readString(key)).isEqualTo("keep me");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exists; not overwritten");
    }

    @Test
    void badArguments_exit2WithALine() {
        assertThat(run("--algorithm", "rsa-sha1", "--domain", "example.com", "--selector", "s1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be rsa or ed25519");
        assertThat(run("--algorithm", "rsa", "--domain", "example.com")).isEqualTo(2);
        assertThat(run("--algorithm", "rsa", "--domain", "example.com", "--selector", "s", "--bits", "512",
                "--out", dir.resolve("x.pem").toString())).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("x.pem"))).isFalse();
    }
}
