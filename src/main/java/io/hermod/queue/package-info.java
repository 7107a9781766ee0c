/**
 * The queue layer: what happens to a message after the spool has accepted it.
 *
 * <p>Intake and the start-up scan hand every accepted message to {@link io.hermod.queue.MessageQueue};
 * {@link io.hermod.queue.ShardedQueue} splits it by recipient domain and gives each part to the
 * shard owning {@code hash(domain) mod queue.shards}. A shard is a verticle on its own event loop
 * and the only code that touches its domains' queues: a ready queue per domain, one priority queue
 * of deferred deliveries woken by one timer, and the connection pools of the destinations its
 * domains route to. Every attempt's outcome is written to the spool per recipient (group
 * committed); a message leaves the spool when its last recipient is final. Deferred recipients
 * come back after {@code queue.retry.*} backoff with jitter; after a restart they resume with
 * their attempt counts and next-attempt times.
 */
package io.hermod.queue;
