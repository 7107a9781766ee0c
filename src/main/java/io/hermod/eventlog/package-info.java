/**
 * Event log: one JSON object per line for every recipient outcome (Reception, Delivery,
 * TransientFailure, Bounce, Expiration, Suppressed), every report that came back by mail (OOB,
 * Feedback, Unparsed; see {@code io.hermod.feedback}) and every operator action (AdminAction), written to the
 * file set by {@code log.events} (default {@code data/events.log}) for operators to grep and ship.
 * Lines use stable snake_case names: {@code type}, {@code time} (UTC, always with milliseconds),
 * {@code id}, {@code sender} ({@code ""} is the null sender), {@code recipient}, {@code host},
 * {@code address}, {@code code}, {@code enhanced}, {@code text}, {@code attempt},
 * {@code queue_time_ms}, {@code detail}; a field that does not apply is left out, never null.
 * Strings are escaped so that a line never contains a raw line break (CR, LF, U+2028, U+2029 or
 * other control characters); other non-ASCII text is kept as UTF-8.
 *
 * <p>What {@link io.hermod.eventlog.EventLog} promises the stages that call it: {@code append}
 * never blocks and never throws (it is called on event loops). One writer thread drains a bounded
 * queue and writes each batch with a single append-mode write, so lines from concurrent callers
 * never interleave. When the queue is full the event is dropped and counted, and one
 * {@code {"type":"EventLogOverflow","dropped":N,...}} line marks the gap once the writer has
 * caught up: the MTA never stalls delivery for its log.
 *
 * <p>What it does not promise: durability. It never fsyncs, and events still queued when the
 * process dies are lost. The spool is the durable record of what happened to a message; the log
 * is its readable account. {@code close()} on shutdown writes everything queued.
 */
package io.hermod.eventlog;
