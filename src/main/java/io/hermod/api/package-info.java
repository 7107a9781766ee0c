/**
 * Hermod's HTTP side on {@code http.listen}: health probes for Kubernetes
 * ({@code GET /health/live}, {@code GET /health/ready}) and, as the API grows, injection, queue
 * administration and {@code /metrics}.
 */
package io.hermod.api;
