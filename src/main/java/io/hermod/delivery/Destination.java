package io.hermod.delivery;

import java.util.List;

/**
 * Where a domain's mail goes: the hosts to try, in order, within one attempt, and the key that
 * connection pools and the connection budget are kept under. Domains whose MX records name the
 * same hosts get the same key, so they share connections (KumoMTA's "sites").
 *
 * @param tlsRequiredFor the domain, when it is in {@code delivery.tls.required_domains}; null for
 *                       opportunistic TLS. Such a destination has a key of its own (see
 *                       {@link #requiringTls}), so its verified connections are never shared with
 *                       opportunistic ones, nor with other domains.
 */
public record Destination(String key, List<Candidate> candidates, String tlsRequiredFor) {

    /**
     * One address to connect to; {@code name} is the host name it came from, for logs, DSNs, and
     * the TLS server name. As the remote of a {@link TransactionResult}, {@code tls} says how the
     * session was protected ({@code TLSv1.3 TLS_AES_256_GCM_SHA384}); null in plain text and for a
     * host still to be tried.
     */
    public record Candidate(String name, String address, int port, String tls) {

        public Candidate(String name, String address, int port) {
            this(name, address, port, null);
        }

        /** The same host, reached over TLS with {@code session} (protocol and cipher). */
        public Candidate withTls(String session) {
            return new Candidate(name, address, port, session);
        }

        /** {@code mx1.example.net[192.0.2.1]:25}, or {@code host:port} when name and address agree. */
        @Override
        public String toString() {
            String literal = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
            return name.equals(address) ? literal + ":" + port : name + "[" + address + "]:" + port;
        }
    }

    public Destination {
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a destination needs at least one host");
        }
    }

    public Destination(String key, List<Candidate> candidates) {
        this(key, candidates, null);
    }

    /** A static route ({@code delivery.routes}): one host, resolved by the connector if it is a name. */
    public static Destination route(String host, int port) {
        return new Destination("route:" + host + ":" + port, List.of(new Candidate(host, host, port)));
    }

    /** The same hosts for {@code domain}, which must be reached over verified TLS, under a key of its own. */
    public Destination requiringTls(String domain) {
        return new Destination("tls-required:" + domain + "|" + key, candidates, domain);
    }

    public boolean tlsRequired() {
        return tlsRequiredFor != null;
    }

    /** What a connection to this destination does about STARTTLS, unless a host's handshake just failed. */
    public TlsPolicy tlsPolicy() {
        return tlsRequired() ? TlsPolicy.required(tlsRequiredFor) : TlsPolicy.OPPORTUNISTIC;
    }
}
