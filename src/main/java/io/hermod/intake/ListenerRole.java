package io.hermod.intake;

/**
 * What a listener is for; the same session code serves all three, and the role decides the policy.
 * <ul>
 * <li>{@link #RELAY} ({@code smtp.listen}, port 25): clients in {@code smtp.relay_networks} relay
 *     without AUTH; others may AUTH after STARTTLS.</li>
 * <li>{@link #SUBMISSION} ({@code submission.listen}, port 587, RFC 6409): AUTH before MAIL, and
 *     STARTTLS before AUTH.</li>
 * <li>{@link #SUBMISSIONS} ({@code submissions.listen}, port 465, RFC 8314): submission over
 *     implicit TLS, the handshake first.</li>
 * </ul>
 */
public enum ListenerRole {
    RELAY("smtp"),
    SUBMISSION("submission"),
    SUBMISSIONS("submissions");

    private final String configSection;

    ListenerRole(String configSection) {
        this.configSection = configSection;
    }

    /** The handshake starts as soon as the client connects. */
    public boolean implicitTls() {
        return this == SUBMISSIONS;
    }

    /** MAIL is refused (530 5.7.0) until the client has authenticated, wherever it connects from. */
    public boolean requiresAuth() {
        return this != RELAY;
    }

    /** The key that lists this role's addresses, for log lines and start-up errors. */
    public String listenKey() {
        return configSection + ".listen";
    }
}
