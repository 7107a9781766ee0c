/**
 * The queue layer: what happens to a message after the spool has accepted it. Intake and the
 * start-up scan hand every accepted message to one {@link io.hermod.queue.MessageQueue}.
 *
 * <p>Until sharded per-domain delivery lands, {@link io.hermod.queue.HoldingQueue} is that queue: it
 * keeps the accepted envelopes and delivers nothing. The spool contract is already real: what was
 * handed over here is durable and is handed over again after a restart.
 */
package io.hermod.queue;
