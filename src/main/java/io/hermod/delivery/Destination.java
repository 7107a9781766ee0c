package io.hermod.delivery;

import java.util.List;

/**
 * Where a domain's mail goes: the hosts to try, in order, within one attempt, and the key that
 * connection pools and the connection budget are kept under. Domains whose MX records name the
 * same hosts get the same key, so they share connections (KumoMTA's "sites").
 */
public record Destination(String key, List<Candidate> candidates) {

    /** One address to connect to; {@code name} is the host name it came from, for logs and DSNs. */
    public record Candidate(String name, String address, int port) {
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

    /** A static route ({@code delivery.routes}): one host, resolved by the connector if it is a name. */
    public static Destination route(String host, int port) {
        return new Destination("route:" + host + ":" + port, List.of(new Candidate(host, host, port)));
    }
}
