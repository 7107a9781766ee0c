/**
 * Where a recipient domain's mail goes next. For now the static routes of
 * {@code delivery.routes} (a domain, or {@code *} for every domain, to {@code host:port}); MX
 * resolution with its TTL cache joins them here.
 */
package io.hermod.dns;
