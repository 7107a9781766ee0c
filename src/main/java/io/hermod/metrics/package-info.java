/**
 * Hermod's own meters, named and registered in one place ({@link io.hermod.metrics.HermodMetrics})
 * against the registry Vert.x's Micrometer integration scrapes at {@code GET /metrics}. Labels are
 * bounded: reply code, stage, result, direction; never a domain, recipient or message id.
 */
package io.hermod.metrics;
