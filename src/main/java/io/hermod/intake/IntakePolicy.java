package io.hermod.intake;

import io.hermod.config.Cidr;
import io.hermod.config.SmtpConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The limits and relay rule an intake session enforces, taken from {@code smtp.*} and
 * {@code hostname}, with the listener's role and whether it offers STARTTLS.
 */
public record IntakePolicy(String hostname, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
                           Duration idleTimeout, int maxErrors, int maxHops, ListenerRole role, boolean starttls) {

    /** A relay listener without TLS. */
    public IntakePolicy(String hostname, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
                        Duration idleTimeout, int maxErrors, int maxHops) {
        this(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors, maxHops,
                ListenerRole.RELAY, false);
    }

    public static IntakePolicy of(String hostname, SmtpConfig smtp) {
        return new IntakePolicy(hostname, smtp.maxMessageSize(), smtp.maxRecipients(), smtp.relayNetworks(),
                smtp.idleTimeout(), smtp.maxErrors(), smtp.maxHops());
    }

    /** This policy for a listener of {@code role}; STARTTLS is offered when a certificate is configured. */
    public IntakePolicy forListener(ListenerRole role, boolean tlsConfigured) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, tlsConfigured && !role.implicitTls());
    }

    boolean mayRelay(InetAddress client) {
        for (Cidr network : relayNetworks) {
            if (network.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
