package io.hermod.delivery;

import io.hermod.smtp.Reply;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The STARTTLS step of opening a connection (RFC 3207), after the first EHLO, as the
 * {@link TlsPolicy} says:
 *
 * <ul>
 *   <li>not offered, or refused with anything but 421: plain text when TLS is opportunistic
 *       (RFC 7435); a refused connection ({@code 451 4.7.5}) when it is required;</li>
 *   <li>220: the TLS handshake, then EHLO again, whose answer replaces the first (RFC 3207 4.2);</li>
 *   <li>a broken handshake (or a lost connection, a timeout, garbage before TLS): a
 *       {@link StartTlsException}, so that the pool retries the host in plain text, when
 *       opportunistic; a refused connection when required;</li>
 *   <li>421, or a 4xx to the EHLO over TLS, means what it means at any other step: the site is failing.</li>
 * </ul>
 */
final class StartTls {

    private final OutboundConnection connection;
    private final TlsPolicy policy;
    private final String heloName;

    StartTls(OutboundConnection connection, TlsPolicy policy, String heloName) {
        this.connection = connection;
        this.policy = policy;
        this.heloName = heloName;
    }

    Future<Void> negotiate() {
        if (policy.mode() == TlsPolicy.Mode.NONE) {
            return Future.succeededFuture();
        }
        if (!connection.capabilities().startTls()) {
            return policy.required() ? refuse(connection.peer() + " does not offer STARTTLS") : Future.succeededFuture();
        }
        return connection.command("STARTTLS", ClientStep.STARTTLS)
                .compose(this::answered)
                .recover(this::broken);
    }

    private Future<Void> answered(Reply reply) {
        if (reply.code() == 220) {
            return connection.upgradeToTls(serverName(connection.candidate().name()))
                    .compose(v -> connection.hello(heloName));
        }
        if (reply.code() == 421) {
            return Future.failedFuture(connection.failure(ClientStep.STARTTLS, reply, true));
        }
        // RFC 3207 4: after a refusal the session goes on as before STARTTLS; the client decides.
        return policy.required() ? refuse(connection.peer() + " answered STARTTLS with " + reply)
                : Future.succeededFuture();
    }

    /** A failure with a server reply keeps its meaning; one without is TLS breaking the connection. */
    private Future<Void> broken(Throwable e) {
        if (e instanceof DeliveryException d && d.reply() != null) {
            return Future.failedFuture(e);
        }
        if (policy.required()) {
            return refuse(e.getMessage());
        }
        return Future.failedFuture(new StartTlsException(e.getMessage(), e));
    }

    private Future<Void> refuse(String reason) {
        connection.refuse(Outcome.Failed.of(Failure.TLS, ClientStep.STARTTLS,
                "TLS required for " + policy.requiredFor() + " but " + reason));
        return Future.succeededFuture();
    }

    /**
     * Where to connect. When TLS is required, an MX address carries the MX name, so that the name is
     * the TLS peer host: the JDK checks the certificate against the SNI name and, should that fail,
     * against the peer host, which would otherwise be the IP address (and a certificate for the
     * address would do). No DNS lookup happens: the address is a literal.
     */
    static SocketAddress socketAddress(Destination.Candidate target, TlsPolicy policy) {
        String name = policy.required() ? serverName(target.name()) : null;
        String address = target.address();
        boolean literal = address.indexOf(':') >= 0 || address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (name != null && literal) {
            try {
                InetAddress ip = InetAddress.getByName(address); // a literal: parsed, not looked up
                return SocketAddress.inetSocketAddress(
                        new InetSocketAddress(InetAddress.getByAddress(name, ip.getAddress()), target.port()));
            } catch (UnknownHostException e) {
                // not a valid literal after all: connect as given, and let that fail
            }
        }
        return SocketAddress.inetSocketAddress(target.port(), address);
    }

    /**
     * The host name to send as SNI and to verify the certificate against: the MX (or route) name
     * without a trailing dot; null for an address, whose certificate is checked against the address.
     */
    static String serverName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        boolean letter = false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (Character.isLetter(c) && c < 128) {
                letter = true;
            } else if (!(c >= '0' && c <= '9') && c != '-' && c != '.') {
                return null; // an IPv6 address, an address literal in brackets, or not a host name
            }
        }
        return letter && !n.isEmpty() ? n : null;
    }
}
