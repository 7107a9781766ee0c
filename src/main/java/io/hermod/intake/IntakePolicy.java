package io.hermod.intake;

import io.hermod.config.Cidr;
import io.hermod.config.SmtpConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** The limits and relay rule an intake session enforces, taken from {@code smtp.*} and {@code hostname}. */
public record IntakePolicy(String hostname, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
                           Duration idleTimeout, int maxErrors) {

    public static IntakePolicy of(String hostname, SmtpConfig smtp) {
        return new IntakePolicy(hostname, smtp.maxMessageSize(), smtp.maxRecipients(), smtp.relayNetworks(),
                smtp.idleTimeout(), smtp.maxErrors());
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
