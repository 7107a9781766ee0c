package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tls.*, auth.users and the submission listeners: files that must exist, and keys that need each other. */
class ConfigTlsAuthTest {

  @TempDir
  Path dir;

  private Path cert;
  private Path key;
  private Path users;

  @BeforeEach
  void files() throws IOException {
    // The loader checks only that the files are readable; their contents are the intake's business.
    cert = Files.writeString(dir.resolve("cert.pem"), "cert");
    key = Files.writeString(dir.resolve("key.pem"), "key");
    users = Files.writeString(dir.resolve("users"), "");
  }

  private String tls() {
    return "tls:\n  cert: \"" + cert + "\"\n  key: \"" + key + "\"\n";
  }

  private String auth() {
    return "auth:\n  users: \"" + users + "\"\n";
  }

  @Test
  void allThreeListeners_withTlsAndUsers_areRead() {
    HermodConfig c = parse(tls() + auth() + """
        submission:
          listen: ["0.0.0.0:587", "[::]:587"]
        submissions:
          listen: "0.0.0.0:465"
        """);

    assertThat(c.submission().submissionListen())
        .containsExactly(new HostAndPort("0.0.0.0", 587), new HostAndPort("::", 587));
    assertThat(c.submission().submissionsListen()).containsExactly(new HostAndPort("0.0.0.0", 465));
    assertThat(c.tls()).isEqualTo(new TlsConfig(Optional.of(cert), Optional.of(key)));
    assertThat(c.tls().enabled()).isTrue();
    assertThat(c.auth().users()).contains(users);
  }

  @Test
  void tlsAlone_isStartTlsOnPort25() {
    HermodConfig c = parse(tls());

    assertThat(c.tls().enabled()).isTrue();
    assertThat(c.submission()).isEqualTo(new SubmissionConfig(List.of(), List.of()));
  }

  @Test
  void usersAlone_areAllowed_authWaitsForTls() {
    assertThat(parse(auth()).auth().users()).contains(users);
  }

  @Test
  void certWithoutKey_namesTheKey() {
    assertRejected("tls:\n  cert: \"" + cert + "\"\n").hasMessage("tls.key: must be set when tls.cert is set");
  }

  @Test
  void keyWithoutCert_namesTheCert() {
    assertRejected("tls:\n  key: \"" + key + "\"\n").hasMessage("tls.cert: must be set when tls.key is set");
  }

  @Test
  void submission_withoutUsers_namesTheListener() {
    assertRejected(tls() + "submission:\n  listen: 127.0.0.1:587\n")
        .hasMessage("submission.listen: needs auth.users (clients must authenticate on this port)");
    assertRejected(tls() + "submissions:\n  listen: 127.0.0.1:465\n")
        .hasMessage("submissions.listen: needs auth.users (clients must authenticate on this port)");
  }

  @Test
  void submission_withoutTls_namesTheListener() {
    assertRejected(auth() + "submission:\n  listen: 127.0.0.1:587\n")
        .hasMessage("submission.listen: needs tls.cert and tls.key (clients authenticate over TLS only)");
  }

  @Test
  void submissionOff_inEveryForm() {
    for (String off : List.of("off", "\"off\"", "[]", "")) {
      assertThat(parse("submission:\n  listen: " + off + "\n").submission().submissionListen()).as(off).isEmpty();
    }
  }

  @Test
  void missingFile_fromEnv_namesVariableAndFile() {
    Path missing = dir.resolve("gone.pem");

    assertRejected("", Map.of("HERMOD_TLS_KEY", missing.toString(), "HERMOD_TLS_CERT", cert.toString()))
        .hasMessage("tls.key (from HERMOD_TLS_KEY): cannot read " + missing + ": no such file");
  }

  @Test
  void env_setsTheWholeSubmissionSetup() {
    HermodConfig c = ConfigLoader.parse("", Map.of("HERMOD_TLS_CERT", cert.toString(), "HERMOD_TLS_KEY",
        key.toString(), "HERMOD_AUTH_USERS", users.toString(), "HERMOD_SUBMISSION_LISTEN", "127.0.0.1:587"));

    assertThat(c.submission().submissionListen()).containsExactly(new HostAndPort("127.0.0.1", 587));
  }
}
