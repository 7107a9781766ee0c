package io.hermod.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.config.ConfigException;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers ManifestsTest relies on, on small inputs whose answer is known. */
class K8sHelpersTest {

    @TempDir
    Path root;

    @Test
    void secretCommands_readNamesAndKeys_ofTlsAndGenericSecrets() {
        String text = """
                    kubectl -n hermod create secret generic hermod-api --from-literal=token="$(openssl rand -hex 32)"
                    kubectl -n hermod create secret tls hermod-tls --cert=fullchain.pem --key=privkey.pem
                    kubectl -n hermod create secret generic hermod-users --from-file=users=./users
                    kubectl create secret generic plain \\
                        --from-file=./dir/key.pem --from-file=other=x # --from-literal=commented=1
                    kubectl -n hermod get secret not-created
                """;
        assertThat(SecretCommands.in(text)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "hermod-api", Set.of("token"),
                "hermod-tls", Set.of("tls.crt", "tls.key"),
                "hermod-users", Set.of("users"),
                "plain", Set.of("key.pem", "other")));
    }

    @Test
    void configFiles_moveTheNamedFilesBelowRoot_andCreateThem() throws Exception {
        String yaml = """
                smtp:
                  listen: ["0.0.0.0:2525"]
                submission:
                  listen: ["0.0.0.0:2587"]
                tls:
                  cert: /etc/hermod/tls/tls.crt
                  key: /etc/hermod/tls/tls.key
                auth:
                  users: /etc/hermod/auth/users
                """;
        assertThat(ConfigFiles.named(yaml)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tls.cert", "/etc/hermod/tls/tls.crt", "tls.key", "/etc/hermod/tls/tls.key",
                "auth.users", "/etc/hermod/auth/users"));
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of())).isInstanceOf(ConfigException.class);

        HermodConfig config = ConfigLoader.parse(ConfigFiles.rootedAt(yaml, root), Map.of());
        Path users = root.resolve("etc/hermod/auth/users");
        assertThat(users).isRegularFile().isReadable();
        assertThat(config.auth().users()).isEqualTo(Optional.of(users));
        assertThat(config.tls().cert()).isEqualTo(Optional.of(ConfigFiles.moved(root, "/etc/hermod/tls/tls.crt")));
        assertThat(config.submission().submissionListen()).hasSize(1);
        // Only the named files: the rest of the configuration is untouched.
        assertThat(config.smtp()).isEqualTo(ConfigLoader.parse(yaml.substring(0, yaml.indexOf("submission:")),
                Map.of()).smtp());
        assertThat(Files.list(root).map(p -> p.getFileName().toString())).containsExactly("etc");
    }

    @Test
    void configFiles_nameNothing_whenTheConfigNamesNoFile() {
        assertThat(ConfigFiles.named("smtp:\n  listen: [\"0.0.0.0:2525\"]\ntls:\n")).isEmpty();
    }
}
