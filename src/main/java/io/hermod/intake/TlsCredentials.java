package io.hermod.intake;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509KeyManager;

/**
 * The certificate chain and private key of inbound TLS ({@code tls.cert}, {@code tls.key}, PEM),
 * limited to TLS 1.2 and 1.3: as Vert.x server SSL options for the implicit-TLS listener, and as a
 * JDK {@link SSLContext} for STARTTLS ({@link TlsConnection} says why). Loading checks what a
 * handshake would otherwise find out too late: that the certificate parses, that the key parses,
 * and that the key belongs to the first certificate. {@link #replace} installs reloaded files;
 * STARTTLS takes a new engine from the current context at each upgrade, and implicit-TLS listeners
 * are told through {@link #onReplace}.
 */
public final class TlsCredentials {

    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /**
     * Forward-secret AEAD suites only: every TLS 1.3 suite, and for TLS 1.2 ECDHE with GCM or
     * ChaCha20-Poly1305 (the JDK still enables static-RSA and CBC suites by default).
     */
    static boolean strongSuite(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20"));
    }

    /** The JDK's default-enabled suites that {@link #strongSuite} keeps, in the JDK's order. */
    public static List<String> strongSuites() {
        try {
            return Arrays.stream(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites())
                    .filter(TlsCredentials::strongSuite).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    private static final System.Logger LOG = System.getLogger(TlsCredentials.class.getName());

    private final List<Consumer<ServerSSLOptions>> listeners = new CopyOnWriteArrayList<>();
    private volatile Material current;

    /** One loaded certificate and key, in both forms. */
    public record Material(ServerSSLOptions options, SSLContext context) {
    }

    private TlsCredentials(Material material) {
        this.current = material;
    }

    /** A bad certificate or key; the message starts with the key that names the file. */
    public static final class InvalidCredentials extends Exception {
        InvalidCredentials(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads and checks both files (blocking). */
    public static TlsCredentials load(Vertx vertx, Path certFile, Path keyFile) throws InvalidCredentials {
        return new TlsCredentials(material(vertx, certFile, keyFile));
    }

    /** Reads and checks both files (blocking), for {@link #replace}. */
    public static Material material(Vertx vertx, Path certFile, Path keyFile) throws InvalidCredentials {
        byte[] cert = read("tls.cert", certFile);
        byte[] key = read("tls.key", keyFile);
        X509Certificate leaf = leafCertificate(certFile, cert);
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
        PrivateKey privateKey;
        KeyManager[] keyManagers;
        try {
            keyManagers = pem.getKeyManagerFactory(vertx).getKeyManagers();
            privateKey = privateKey(keyManagers);
        } catch (Exception e) {
            throw new InvalidCredentials("tls.key: cannot load a private key from " + keyFile + ": " + reason(e));
        }
        if (!matches(privateKey, leaf)) {
            throw new InvalidCredentials("tls.key: " + keyFile + " is not the key of the certificate in " + certFile);
        }
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            LOG.log(System.Logger.Level.WARNING, "tls.cert: " + certFile + " is not valid now (" + leaf.getNotBefore()
                    + " to " + leaf.getNotAfter() + "); clients that check it will refuse it");
        }
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(keyManagers, null, null);
        } catch (GeneralSecurityException e) {
            throw new InvalidCredentials("tls.key: " + reason(e));
        }
        ServerSSLOptions options = new ServerSSLOptions()
                .setKeyCertOptions(pem)
                .setEnabledSecureTransportProtocols(PROTOCOLS);
        strongSuites().forEach(options::addEnabledCipherSuite);
        return new Material(options, context);
    }

    /** Vert.x server options for the implicit-TLS listener. */
    public ServerSSLOptions options() {
        return current.options();
    }

    /** A server engine for one STARTTLS connection, TLS 1.2 and 1.3 only. */
    SSLEngine newEngine() {
        SSLEngine engine = current.context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(Arrays.stream(engine.getSupportedProtocols())
                .filter(PROTOCOLS::contains).toArray(String[]::new));
        engine.setEnabledCipherSuites(Arrays.stream(engine.getEnabledCipherSuites())
                .filter(TlsCredentials::strongSuite).toArray(String[]::new));
        return engine;
    }

    public void replace(Material material) {
        current = material;
        for (Consumer<ServerSSLOptions> listener : listeners) {
            listener.accept(material.options());
        }
    }

    /** Called with new options after each {@link #replace}, on the replacing thread. */
    public void onReplace(Consumer<ServerSSLOptions> listener) {
        listeners.add(listener);
    }

    private static byte[] read(String key, Path file) throws InvalidCredentials {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidCredentials(key + ": cannot read " + file + ": " + reason(e));
        }
    }

    private static X509Certificate leafCertificate(Path file, byte[] pem) throws InvalidCredentials {
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidCredentials("tls.cert: no PEM certificate in " + file);
        }
        try {
            Collection<? extends Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            if (chain.isEmpty()) {
                throw new InvalidCredentials("tls.cert: no PEM certificate in " + file);
            }
            return (X509Certificate) chain.iterator().next();
        } catch (CertificateException e) {
            throw new InvalidCredentials("tls.cert: cannot parse " + file + ": " + reason(e));
        }
    }

    private static PrivateKey privateKey(KeyManager[] managers) throws InvalidCredentials {
        for (KeyManager manager : managers) {
            if (manager instanceof X509KeyManager x509) {
                for (String type : List.of("RSA", "EC", "EdDSA", "Ed25519", "RSASSA-PSS")) {
                    String[] aliases = x509.getServerAliases(type, null);
                    if (aliases != null && aliases.length > 0) {
                        return x509.getPrivateKey(aliases[0]);
                    }
                }
            }
        }
        throw new InvalidCredentials("no key of a supported type (RSA, EC, Ed25519)");
    }

    /** Signs with the private key and verifies with the certificate's public key. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "hermod key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip().lines().findFirst().orElse("");
    }
}
