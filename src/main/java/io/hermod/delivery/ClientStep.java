package io.hermod.delivery;

import java.time.Duration;

/**
 * The steps of an outbound SMTP conversation, each with its RFC 5321 4.5.3.2 timeout and the phrase
 * that says where a failure happened.
 */
public enum ClientStep {
    CONNECT("connecting", Duration.ofSeconds(30)),
    GREETING("receiving the initial server greeting", Duration.ofMinutes(5)),
    EHLO("performing the EHLO handshake", Duration.ofMinutes(5)),
    HELO("performing the HELO handshake", Duration.ofMinutes(5)),
    /** The reply to STARTTLS and the TLS handshake after it (RFC 5321 names none; Postfix waits 300 s). */
    STARTTLS("performing the STARTTLS handshake", Duration.ofMinutes(5)),
    MAIL("sending MAIL FROM", Duration.ofMinutes(5)),
    RCPT("sending RCPT TO", Duration.ofMinutes(5)),
    DATA("sending DATA", Duration.ofMinutes(2)),
    MESSAGE("sending message content", Duration.ofMinutes(3)),
    END_OF_DATA("sending end of data", Duration.ofMinutes(10)),
    RSET("sending RSET", Duration.ofMinutes(2)),
    QUIT("sending QUIT", Duration.ofMinutes(1));

    private final String where;
    private final Duration defaultTimeout;

    ClientStep(String where, Duration defaultTimeout) {
        this.where = where;
        this.defaultTimeout = defaultTimeout;
    }

    public String where() {
        return where;
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }
}
