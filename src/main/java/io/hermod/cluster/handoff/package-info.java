/**
 * Queue hand-off between pods: a pod that leaves (scale-down, or an operator's
 * {@code POST /api/v1/admin/handoff}) stops intake, lets its deliveries in flight finish, then moves
 * every queued message to a peer and deletes its own copy only once the peer has answered that it
 * committed it (at-least-once: a message is never in neither spool, and is in both only between a
 * peer's commit and the sender's delete).
 *
 * <p>{@link io.hermod.cluster.handoff.Handoff} is the sender: it pages through the spool on a thread
 * of its own, packs messages into batches ({@link io.hermod.cluster.handoff.TransferCodec}, bounded
 * by count and bytes) and posts one batch at a time, so memory holds one batch whatever the queue's
 * length, and the peer's answer is the back-pressure. {@link io.hermod.cluster.handoff.TransferReceiver}
 * is the peer's side: it commits every message of a batch through the one acceptance path (one
 * group-committed fsync covers the batch), under a new local id but with the arrival time, every
 * recipient's state, attempt count, next due time, last result and category, so a message deferred
 * for an hour stays deferred. Each message carries a transfer id (the sender spool's identity and its
 * message id); the receiver remembers recent ones ({@link io.hermod.cluster.handoff.SeenTransfers})
 * and does not commit a batch sent again twice (the sender crashed between the answer and its delete).
 */
package io.hermod.cluster.handoff;
