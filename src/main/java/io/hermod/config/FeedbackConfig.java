package io.hermod.config;

import java.util.List;
import java.util.Optional;

/**
 * What comes back ({@code inbound.*}, {@code delivery.return_path}, {@code feedback.secret}): the
 * domains whose mail Hermod consumes instead of relaying (bounces and feedback-loop reports), how
 * much of such a message is kept for parsing, the domain of the VERP return path (empty = outbound
 * mail keeps its sender), and the secret that authenticates the references Hermod hands out
 * (empty = no {@code X-Hermod-Ref} header, no return path).
 *
 * @param inboundDomains lower-case domain names
 * @param inboundMaxSize octets of an inbound message kept for parsing; the rest is accepted and dropped
 * @param returnPath     the domain of the VERP envelope sender, one of {@code inboundDomains}
 */
public record FeedbackConfig(List<String> inboundDomains, long inboundMaxSize, Optional<String> returnPath,
                             Optional<String> secret) {

    public FeedbackConfig {
        inboundDomains = List.copyOf(inboundDomains);
    }

    /** Nothing consumed, nothing rewritten, no reference header. */
    public static FeedbackConfig off() {
        return new FeedbackConfig(List.of(), 1 << 20, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return "FeedbackConfig[inboundDomains=" + inboundDomains + ", inboundMaxSize=" + inboundMaxSize
                + ", returnPath=" + returnPath + ", secret=" + (secret.isPresent() ? "(set)" : "(unset)") + "]";
    }
}
