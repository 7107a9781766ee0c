package io.hermod.intake;

import io.hermod.smtp.Command;
import io.hermod.smtp.Mailbox;
import io.hermod.smtp.Replies;
import io.hermod.smtp.Reply;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The security side of one session, and the rules that depend on it: whether the connection is
 * encrypted, who authenticated, how many AUTH attempts failed, what EHLO offers, who may relay and
 * as which senders. {@link SmtpSession} keeps the sequencing; this class answers its questions.
 */
final class SessionSecurity {

    /** Failed AUTH attempts on one connection before it is closed with 421. */
    static final int MAX_AUTH_FAILURES = 3;

    private final IntakePolicy policy;
    private final Authenticator authenticator;
    private final boolean relayByAddress;
    private boolean secure;
    private AuthenticatedUser user;
    private int authFailures;

    SessionSecurity(IntakePolicy policy, Authenticator authenticator, InetAddress client, boolean secure) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.relayByAddress = policy.mayRelay(client);
        this.secure = secure;
    }

    boolean secure() {
        return secure;
    }

    boolean authenticated() {
        return user != null;
    }

    /** The EHLO keywords beyond the fixed ones: STARTTLS before TLS, AUTH after it. */
    List<String> ehloKeywords() {
        List<String> keywords = new ArrayList<>(1);
        if (policy.starttls() && !secure) {
            keywords.add("STARTTLS");
        }
        // Never before TLS: a password must not cross the network in clear (RFC 4954 4, RFC 8314).
        if (authenticator.enabled() && secure) {
            keywords.add("AUTH PLAIN LOGIN");
        }
        return keywords;
    }

    /** Why STARTTLS is refused now, or null to go ahead. */
    Reply refuseStartTls(Command c, SessionState state) {
        if (!policy.starttls()) {
            return Replies.NOT_IMPLEMENTED;
        } else if (secure) {
            return Replies.TLS_ALREADY_ACTIVE;
        } else if (c.hasArgument()) {
            return Replies.SYNTAX_ARGUMENTS;
        } else if (state == SessionState.CONNECTED) {
            return Replies.NEED_HELO;
        } else if (state != SessionState.READY) {
            return Replies.TRANSACTION_IN_PROGRESS;
        }
        return null;
    }

    /** Why AUTH is refused now, or null to start the exchange. */
    Reply refuseAuth(SessionState state) {
        if (!authenticator.enabled()) {
            return Replies.NOT_IMPLEMENTED;
        } else if (state == SessionState.CONNECTED) {
            return Replies.NEED_HELO;
        } else if (!secure) {
            return Replies.AUTH_NEEDS_TLS;
        } else if (user != null) {
            return Replies.AUTH_ALREADY;
        } else if (state != SessionState.READY) {
            return Replies.TRANSACTION_IN_PROGRESS;
        }
        return null;
    }

    /** 530 when the role needs AUTH before MAIL and there was none, else null. */
    Reply refuseMail() {
        return policy.role().requiresAuth() && user == null ? Replies.AUTH_REQUIRED : null;
    }

    /** 553 when an authenticated user names a sender that is not its own, else null. */
    Reply refuseSender(Mailbox sender) {
        return user != null && !user.maySend(sender) ? Replies.SENDER_NOT_OWNED : null;
    }

    /** Relay is for relay_networks and for authenticated users. */
    boolean mayRelay() {
        return relayByAddress || user != null;
    }

    /** The with clause of the Received header (RFC 3848). */
    String protocol(boolean extended, boolean smtpUtf8) {
        return ReceivedHeader.protocol(extended, smtpUtf8, secure, user != null);
    }

    /** RFC 3207 4.2: whatever was established before TLS is forgotten. */
    void tlsStarted() {
        secure = true;
        user = null;
    }

    void authenticated(AuthenticatedUser who) {
        user = who;
    }

    /** Counts a failed AUTH. */
    void authFailed() {
        authFailures++;
    }

    /** Whether the failures counted so far use up what one connection is allowed. */
    boolean tooManyAuthFailures() {
        return authFailures >= MAX_AUTH_FAILURES;
    }
}
