package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.support.SelfSignedCertificate;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading tls.cert and tls.key: what passes, and the one-line errors for what does not. */
class TlsCredentialsTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static SelfSignedCertificate rsa;
    private static SelfSignedCertificate ec;
    private static SelfSignedCertificate otherRsa;

    @BeforeAll
    static void certificates() throws Exception {
        vertx = Vertx.vertx();
        rsa = SelfSignedCertificate.rsa(dir, "rsa");
        ec = SelfSignedCertificate.ec(dir, "ec");
        otherRsa = SelfSignedCertificate.rsa(dir, "other");
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    @Test
    void rsaAndEcPairs_load_andEnginesSpeakOnlyTls12And13() throws Exception {
        for (SelfSignedCertificate pair : new SelfSignedCertificate[] {rsa, ec}) {
            TlsCredentials credentials = TlsCredentials.load(vertx, pair.cert(), pair.key());
            SSLEngine engine = credentials.newEngine();

            assertThat(engine.getUseClientMode()).isFalse();
            assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
            assertThat(credentials.options().getEnabledSecureTransportProtocols())
                    .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        }
    }

    @Test
    void keyOfAnotherCertificate_isRefused_namingBothFiles() {
        assertThatThrownBy(() -> TlsCredentials.load(vertx, rsa.cert(), otherRsa.key()))
                .isInstanceOf(TlsCredentials.InvalidCredentials.class)
                .hasMessage("tls.key: " + otherRsa.key() + " is not the key of the certificate in " + rsa.cert());
        assertThatThrownBy(() -> TlsCredentials.load(vertx, rsa.cert(), ec.key()))
                .hasMessageStartingWith("tls.key: cannot load a private key from " + ec.key() + ": ");
    }

    @Test
    void certificateFileWithoutACertificate_namesTlsCert() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");

        assertThatThrownBy(() -> TlsCredentials.load(vertx, notPem, rsa.key()))
                .hasMessage("tls.cert: no PEM certificate in " + notPem);
    }

    @Test
    void keyGivenAsCertificate_andCertificateAsKey_areRefused() {
        assertThatThrownBy(() -> TlsCredentials.load(vertx, rsa.key(), rsa.key()))
                .hasMessageStartingWith("tls.cert: no PEM certificate in ");
        assertThatThrownBy(() -> TlsCredentials.load(vertx, rsa.cert(), rsa.cert()))
                .hasMessageStartingWith("tls.key: cannot load a private key from " + rsa.cert());
    }

    @Test
    void replace_swapsTheEngineSource_andTellsListeners() throws Exception {
        TlsCredentials credentials = TlsCredentials.load(vertx, rsa.cert(), rsa.key());
        java.util.List<Object> told = new java.util.ArrayList<>();
        credentials.onReplace(told::add);
        TlsCredentials.Material next = TlsCredentials.material(vertx, ec.cert(), ec.key());

        credentials.replace(next);

        assertThat(told).containsExactly(next.options());
        assertThat(credentials.options()).isSameAs(next.options());
    }
}
