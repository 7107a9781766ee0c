/**
 * Hermod's HTTP side on {@code http.listen}. Kubernetes probes ({@code GET /health/live},
 * {@code GET /health/ready}) and Prometheus ({@code GET /metrics}) are open; the JSON API under
 * {@code /api/v1} needs {@code Authorization: Bearer <http.token>} when a token is configured.
 *
 * <p>{@code POST /api/v1/messages} is a second intake with SMTP's contract: the same address rules,
 * limits and line-ending normalisation, a Received header, the body chunked into the spool, and
 * {@code 202} only after the group commit is durable. The queue then gets the envelope exactly as
 * from SMTP. {@code POST /api/v1/inject} renders one template for many recipients
 * ({@link io.hermod.api.BatchInjection}): one message each, through the same acceptance path
 * (DKIM signing included), checked whole before anything is stored; a deferred batch is stored in
 * the spool first and expanded in the background. {@code /api/v1/queues} reports and steers the per-domain queues through
 * {@code QueueAdmin}; {@code /api/v1/messages/{id}} looks up (spool read, on a worker) and deletes
 * (through the queue) one message. Every answer is JSON; every refusal is
 * {@code {"error": reason}} with a reason that names the field at fault.
 *
 * <p>The server holds itself to {@code http.max_connections} ({@link io.hermod.api.ConnectionCap})
 * and closes connections idle for {@code http.idle_timeout}. A request broken on the wire (bad
 * chunking, a body cut short, a path that does not decode, a request line or header that does not
 * parse) is never acted on and gets a 4xx or a close from {@link io.hermod.api.RequestFailures},
 * never a stack trace in the log.
 */
package io.hermod.api;
