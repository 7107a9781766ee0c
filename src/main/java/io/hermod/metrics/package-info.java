/**
 * Hermod's own meters, named and registered in one place ({@link io.hermod.metrics.HermodMetrics})
 * against the registry Vert.x's Micrometer integration scrapes at {@code GET /metrics}. Labels are
 * bounded: reply code, stage, result, direction; never a domain, recipient or message id.
 * {@link io.hermod.metrics.VertxGaugeWarnings} keeps Micrometer's warning about Vert.x's own
 * connection gauges, registered again per connection by design, out of the log.
 */
package io.hermod.metrics;
