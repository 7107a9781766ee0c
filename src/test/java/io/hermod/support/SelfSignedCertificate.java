package io.hermod.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A throw-away certificate for localhost and its key, PEM files made by {@code openssl req}. */
public record SelfSignedCertificate(Path cert, Path key) {

    /** An RSA 2048 certificate in {@code dir}, named {@code name}.cert.pem and {@code name}.key.pem. */
    public static SelfSignedCertificate rsa(Path dir, String name) throws IOException, InterruptedException {
        return create(dir, name, List.of("-newkey", "rsa:2048"));
    }

    /** An ECDSA P-256 certificate. */
    public static SelfSignedCertificate ec(Path dir, String name) throws IOException, InterruptedException {
        return create(dir, name, List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
    }

    private static SelfSignedCertificate create(Path dir, String name, List<String> keyOptions)
            throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".cert.pem");
        Path key = dir.resolve(name + ".key.pem");
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()));
        command.addAll(3, keyOptions);
        ExternalCommand.Result result = ExternalCommand.run(command, "", Duration.ofSeconds(60));
        if (!result.ok()) {
            throw new IllegalStateException("openssl req failed: " + result.output());
        }
        return new SelfSignedCertificate(cert, key);
    }
}
