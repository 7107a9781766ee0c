/**
 * The queue layer: what happens to a message after the spool has accepted it.
 *
 * <p>Every accepted message comes in through one path, {@link io.hermod.queue.Acceptance}
 * (SMTP intake, HTTP injection, bounces, a hand-off: commit, then queue). {@link io.hermod.queue.ShardedQueue} splits it by recipient domain and gives each
 * part to the shard owning {@code hash(domain) mod queue.shards}. Three parts, each in its own class:
 * <ul>
 *   <li><b>the schedule</b> ({@code QueueShard}): a shard's domains. Every delivery waits in the
 *       spool's schedule ({@link io.hermod.spool.Slot}); memory holds only those due now, up to
 *       {@code queue.max_ready} per domain, read back from the spool in due order in bounded
 *       batches as room frees, so the heap does not grow with the queue. Also suspend/resume,
 *       flush and bounce (a sweep through the domain's slots, in the background), and the next-hop
 *       lookup ({@code NextHop}: a route, address literal or MX hosts) that tells which site a
 *       domain goes to. A shard is a verticle on its own event loop and the only code touching its
 *       domains' state;</li>
 *   <li><b>settlement</b> ({@code Settlement}): a pure function from an attempt's typed outcomes to
 *       each recipient's new state (one mapping, {@code Verdict}), the retry time
 *       ({@code queue.retry.*} with jitter, a site's backoff, {@code queue.max_age}), the DSN and
 *       the message's one delay report; {@code SettlementEffects} writes states, events and
 *       reports;</li>
 *   <li><b>the site dispatcher</b> ({@code SiteDispatcher}): a site (a route, or an MX host set,
 *       so domains sharing MX hosts share it) has one connection pool for the whole process and is
 *       owned by the shard {@code hash(site) mod queue.shards}. Domain shards lend due deliveries
 *       to their site's owner; a free connection takes the next one, domains in turn, whichever
 *       shard lent it; the result goes back to the domain's shard to be settled. A site that
 *       fails as a whole is backed off, and every delivery waiting for it counts an attempt.</li>
 * </ul>
 * Every attempt's outcome is written to the spool per recipient (group committed); a message
 * leaves the spool when its last recipient is final. After a restart the listeners come up at once;
 * the start-up scan counts each domain's slots in the background, and a domain is read (its due
 * mail delivered) as soon as it is counted. Deferred recipients resume with their attempt counts
 * and next-attempt times.
 */
package io.hermod.queue;
