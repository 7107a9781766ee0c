package io.hermod.bounce;

import java.util.Locale;

/**
 * Why a recipient was deferred or bounced, in the categories bulk senders know from PowerMTA and
 * KumoMTA. The names ({@link #label()}) go into the event log's {@code category} field, the
 * {@code hermod_delivery_failures_total{category}} label and the rules files; they are a fixed set.
 * The issue's "spam-related / reputation" is {@link #SPAM_RELATED}: blocklists, rate limits for
 * unsolicited mail and sender reputation are all the receiver saying "we think this is spam".
 */
public enum BounceCategory {
    INVALID_RECIPIENT,
    BAD_DOMAIN,
    INACTIVE_MAILBOX,
    QUOTA_ISSUES,
    SPAM_RELATED,
    POLICY_RELATED,
    CONTENT_RELATED,
    VIRUS_RELATED,
    RELAYING_ISSUES,
    ROUTING_ERRORS,
    PROTOCOL_ERRORS,
    BAD_CONNECTION,
    NO_ANSWER_FROM_HOST,
    MESSAGE_EXPIRED,
    AUTHENTICATION_FAILED,
    TOO_MANY_RECIPIENTS,
    BAD_CONFIGURATION,
    TRANSIENT_FAILURE,
    UNCATEGORIZED;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The category's name everywhere outside Java: {@code invalid-recipient}. */
    public String label() {
        return label;
    }

    /** The category named {@code label}, or null. */
    public static BounceCategory byLabel(String label) {
        for (BounceCategory c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        return null;
    }
}
