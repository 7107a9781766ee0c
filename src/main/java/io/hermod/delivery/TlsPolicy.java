package io.hermod.delivery;

import java.util.Objects;

/**
 * What a connection does about STARTTLS (RFC 3207). {@code OPPORTUNISTIC} (RFC 7435) takes TLS
 * when the server offers it, checks no certificate, and carries on in plain text when STARTTLS is
 * refused. {@code REQUIRED} ({@code delivery.tls.required_domains}) verifies the certificate and
 * the host name and never sends mail in plain text. {@code NONE} does not ask: a host whose
 * handshake just failed is retried that way.
 *
 * @param requiredFor the domain that requires TLS, named in the deferral; null unless {@code REQUIRED}
 */
public record TlsPolicy(Mode mode, String requiredFor) {

    public enum Mode { NONE, OPPORTUNISTIC, REQUIRED }

    public static final TlsPolicy NONE = new TlsPolicy(Mode.NONE, null);
    public static final TlsPolicy OPPORTUNISTIC = new TlsPolicy(Mode.OPPORTUNISTIC, null);

    public TlsPolicy {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.REQUIRED) != (requiredFor != null)) {
            throw new IllegalArgumentException("a domain is named exactly when TLS is required");
        }
    }

    public static TlsPolicy required(String domain) {
        return new TlsPolicy(Mode.REQUIRED, domain);
    }

    public boolean required() {
        return mode == Mode.REQUIRED;
    }
}
