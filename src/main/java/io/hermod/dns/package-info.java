/**
 * Where a recipient domain's mail goes next: the static routes of {@code delivery.routes} (a
 * domain, or {@code *} for every domain, to {@code host:port}), and {@link io.hermod.dns.MxResolver},
 * which resolves MX hosts and their addresses on Vert.x's DnsClient with a per-domain TTL cache
 * and one lookup in flight per domain. Null MX (RFC 7505) and NXDOMAIN are permanent failures,
 * SERVFAIL and timeouts transient; a domain without MX falls back to its own A/AAAA (RFC 5321 5.1).
 */
package io.hermod.dns;
