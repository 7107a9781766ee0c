package io.hermod.intake;

import io.hermod.config.Cidr;
import io.hermod.config.SmtpConfig;
import io.hermod.dkim.Signing;
import io.hermod.spool.MemoryBudget;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The limits and relay rule an intake session enforces, taken from {@code smtp.*} and
 * {@code hostname}, with the listener's role, whether it offers STARTTLS, and how accepted mail is
 * signed ({@code dkim.*}), which recipients are refused as suppressed ({@code suppression.*}), and
 * which are consumed rather than relayed ({@code inbound.*}) with the trace header relayed mail gets;
 * the process's budget for mail in progress ({@code smtp.max_buffered_bytes}), shared by every session.
 */
public record IntakePolicy(String hostname, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
                           Duration idleTimeout, int maxErrors, int maxHops, ListenerRole role, boolean starttls,
                           Signing signing, SuppressionCheck suppression, InboundMail inbound, TraceHeader trace,
                           MemoryBudget memory) {

    /** A relay listener without TLS, with a budget of its own that nothing fills. */
    public IntakePolicy(String hostname, long maxMessageSize, int maxRecipients, List<Cidr> relayNetworks,
                        Duration idleTimeout, int maxErrors, int maxHops) {
        this(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors, maxHops,
                ListenerRole.RELAY, false, Signing.NONE, SuppressionCheck.NONE, InboundMail.NONE, TraceHeader.NONE,
                MemoryBudget.unlimited());
    }

    /** This policy, signing accepted mail with {@code signing}. */
    public IntakePolicy withSigning(Signing signing) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, starttls, signing, suppression, inbound, trace, memory);
    }

    /** This policy, refusing at RCPT the recipients {@code suppression} finds. */
    public IntakePolicy withSuppression(SuppressionCheck suppression) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, starttls, signing, suppression, inbound, trace, memory);
    }

    /** This policy, consuming mail to {@code inbound}'s domains and adding {@code trace} to relayed mail. */
    public IntakePolicy withFeedback(InboundMail inbound, TraceHeader trace) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, starttls, signing, suppression, inbound, trace, memory);
    }

    /** This policy, buffering mail in progress within {@code memory}. */
    public IntakePolicy withMemory(MemoryBudget memory) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, starttls, signing, suppression, inbound, trace, memory);
    }

    public static IntakePolicy of(String hostname, SmtpConfig smtp) {
        return new IntakePolicy(hostname, smtp.maxMessageSize(), smtp.maxRecipients(), smtp.relayNetworks(),
                smtp.idleTimeout(), smtp.maxErrors(), smtp.maxHops());
    }

    /** This policy for a listener of {@code role}; STARTTLS is offered when a certificate is configured. */
    public IntakePolicy forListener(ListenerRole role, boolean tlsConfigured) {
        return new IntakePolicy(hostname, maxMessageSize, maxRecipients, relayNetworks, idleTimeout, maxErrors,
                maxHops, role, tlsConfigured && !role.implicitTls(), signing, suppression, inbound, trace, memory);
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
