package io.hermod.shaping;

import java.util.Locale;

/**
 * {@code enable_tls}: {@code opportunistic} takes STARTTLS when offered (any certificate, RFC 7435),
 * {@code required} sends nothing in plain text and checks the certificate and the MX host name,
 * {@code disabled} never asks for STARTTLS (for a site whose TLS is known to be broken).
 */
public enum TlsMode {
    OPPORTUNISTIC, REQUIRED, DISABLED;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
