package io.hermod.metrics;

import io.hermod.bounce.BounceCategory;
import io.hermod.spool.MemoryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every {@code hermod_*} meter. Stages call the typed methods below; label values come from small
 * fixed sets, and the counters behind them are cached so that a hot path pays a map lookup, not a
 * meter registration.
 */
public final class HermodMetrics {

    /** Buckets from 10 ms to a day: a relay hop is milliseconds, a retried delivery hours. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
        Duration.ofHours(4), Duration.ofHours(12), Duration.ofDays(1)};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> intakeMessages = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> intakeReplies = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> deliveryAttempts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> deliveryReplies = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> dnsFailures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> dkimSignatures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> dkimMessages = new ConcurrentHashMap<>();
    /** Indexed by [bounce ? 0 : 1][category.ordinal()]: every label pair exists from the start. */
    private final Counter[][] deliveryFailures = new Counter[2][BounceCategory.values().length];
    private final Timer spoolCommit;
    private final Timer intakeAcceptance;
    private final DistributionSummary spoolBatch;
    private final Timer deliveryLatency;
    private final Timer transaction;
    private final Timer dnsLookup;
    private final Counter spoolFailures;
    private final java.util.List<Object> suppliers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ConcurrentHashMap<ShapingMeter, Counter> shapingCounters =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> feedbackReports = new ConcurrentHashMap<>();

    public HermodMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.spoolCommit = Timer.builder("hermod.spool.commit")
                .description("Time to write one group-commit batch to RocksDB (with fsync when durable)")
                .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry);
        this.intakeAcceptance = Timer.builder("hermod.intake.acceptance")
                .description("From the end of an accepted message's data to its 250: the spool's durable write "
                        + "and the waits for the writer and the event loop")
                .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(15), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry);
        this.spoolBatch = DistributionSummary.builder("hermod.spool.batch.operations")
                .description("Writes carried by one group-commit batch")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                .register(registry);
        this.deliveryLatency = Timer.builder("hermod.delivery.latency")
                .description("From acceptance to a recipient's final outcome (delivered, bounced or expired)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        this.transaction = Timer.builder("hermod.delivery.transaction")
                .description("One outbound SMTP transaction, MAIL to the reply after end of data")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5))
                .register(registry);
        this.dnsLookup = Timer.builder("hermod.dns.lookup")
                .description("Next-hop lookups (MX and addresses; cache hits included)")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                .register(registry);
        this.spoolFailures = Counter.builder("hermod.spool.failures")
                .description("Group-commit batches RocksDB refused").register(registry);
        // Every label value of the fixed sets exists from the start at zero, so that rate() sees the
        // first increment and dashboards show 0 rather than "no data".
        for (String result : new String[] {"accepted", "too_large", "line_too_long", "nul_octet", "too_many_hops",
                "spool_error", "consumed", "consume_error", "memory_full"}) {
            intakeMessages.computeIfAbsent(result, this::intakeMessagesCounter);
        }
        for (String result : new String[] {"delivered", "deferred", "failed", "expired"}) {
            deliveryAttempts.computeIfAbsent(result, this::deliveryAttemptsCounter);
        }
        for (String kind : new String[] {"permanent", "transient"}) {
            dnsFailures.computeIfAbsent(kind, this::dnsFailuresCounter);
        }
        for (String algorithm : new String[] {"rsa-sha256", "ed25519-sha256"}) {
            dkimSignatures.computeIfAbsent(algorithm, this::dkimSignaturesCounter);
        }
        for (String result : new String[] {"signed", "unsigned", "failed"}) {
            dkimMessages.computeIfAbsent(result, this::dkimMessagesCounter);
        }
        for (String action : new String[] {"suspend", "set", "bounce"}) {
            shapingCounter(new ShapingMeter(ShapingCounter.AUTOMATION, "none", "default", action));
        }
        for (String limit : new String[] {"message_rate", "connection_rate", "connection_limit"}) {
            shapingCounter(new ShapingMeter(ShapingCounter.THROTTLED, "none", "default", limit));
        }
        for (String type : FEEDBACK_TYPES) {
            feedbackReports.computeIfAbsent(type, this::feedbackReportsCounter);
        }
        for (BounceCategory category : BounceCategory.values()) {
            deliveryFailures[0][category.ordinal()] = deliveryFailuresCounter(category, "bounce");
            deliveryFailures[1][category.ordinal()] = deliveryFailuresCounter(category, "deferral");
        }
    }

    /**
     * A delivery or a connection that had to wait for a shaping limit: {@code limit} is
     * {@code message_rate}, {@code connection_rate} or {@code connection_limit}; {@code provider}
     * is the site's provider or {@code none} (never a domain: the label set stays bounded).
     */
    public void shapingThrottled(String provider, String source, String limit) {
        shapingCounter(new ShapingMeter(ShapingCounter.THROTTLED, provider, source, limit)).increment();
    }

    /**
     * The meters of limits shared through Redis ({@code cluster.redis}): whether Redis answers,
     * the live pods, throttle scripts run, and leases refused because the cluster was at its limit.
     */
    public void cluster(Supplier<Number> redisUp, Supplier<Number> pods, Supplier<Number> redisCalls,
                        Supplier<Number> leaseDenials) {
        gauge("hermod.cluster.redis.up", "1 while Redis answers (limits shared), 0 while each pod keeps its share",
                redisUp);
        gauge("hermod.cluster.pods", "Live pods in the cluster, as last seen in Redis", pods);
        counter("hermod.cluster.redis.calls", "Throttle scripts run in Redis (each fetches one or more units)",
                redisCalls);
        counter("hermod.cluster.lease.denials", "Connection leases Redis refused: the cluster's limit was reached",
                leaseDenials);
    }

    /** An automation rule applied to a site × source: {@code action} is suspend, set or bounce. */
    public void shapingAutomation(String provider, String source, String action) {
        shapingCounter(new ShapingMeter(ShapingCounter.AUTOMATION, provider, source, action)).increment();
    }

    /** The two shaping counters: name, description and the name of their third label. */
    private enum ShapingCounter {
        THROTTLED("hermod.shaping.throttled", "Deliveries and connections held back by a shaping limit", "limit"),
        AUTOMATION("hermod.shaping.automation", "Reply-driven automation rules applied to a site and source",
                "action");

        final String name;
        final String description;
        final String label;

        ShapingCounter(String name, String description, String label) {
            this.name = name;
            this.description = description;
            this.label = label;
        }
    }

    /** One labelled shaping counter: the map key (the label values are bounded: provider, source, limit). */
    private record ShapingMeter(ShapingCounter counter, String provider, String source, String value) {
    }

    /** The counter, registered on first use: the lookup allocates one small key, no tags or strings. */
    private Counter shapingCounter(ShapingMeter meter) {
        return shapingCounters.computeIfAbsent(meter, m -> Counter.builder(m.counter().name)
                .description(m.counter().description)
                .tags("provider", m.provider(), "source", m.source(), m.counter().label, m.value())
                .register(registry));
    }

    /** The {@code type} label values of {@code hermod_feedback_reports_total}. */
    private static final String[] FEEDBACK_TYPES = {"oob", "feedback", "unparsed"};

    private Counter feedbackReportsCounter(String type) {
        return Counter.builder("hermod.feedback.reports")
                .description("Messages consumed at inbound.domains: bounces matched (oob), feedback reports (feedback),"
                        + " the rest (unparsed)")
                .tag("type", type).register(registry);
    }

    /** One message to an inbound domain consumed, as {@code type}: oob, feedback or unparsed. */
    public void feedbackReport(String type) {
        feedbackReports.computeIfAbsent(type, this::feedbackReportsCounter).increment();
    }

    private Counter deliveryFailuresCounter(BounceCategory category, String kind) {
        return Counter.builder("hermod.delivery.failures")
                .description("Recipients deferred or bounced (expiry included), by bounce category")
                .tag("category", category.label()).tag("kind", kind).register(registry);
    }

    /** One recipient deferred ({@code bounce} false) or bounced or expired ({@code bounce} true). */
    public void deliveryFailure(BounceCategory category, boolean bounce) {
        deliveryFailures[bounce ? 0 : 1][category.ordinal()].increment();
    }

    private Counter dkimSignaturesCounter(String algorithm) {
        return Counter.builder("hermod.dkim.signatures")
                .description("DKIM signatures made at acceptance, by algorithm").tag("algorithm", algorithm)
                .register(registry);
    }

    private Counter dkimMessagesCounter(String result) {
        return Counter.builder("hermod.dkim.messages")
                .description("Accepted messages by DKIM result: signed, unsigned (no key for the From: domain),"
                        + " failed (a key could not sign, or the header section was too large)")
                .tag("result", result).register(registry);
    }

    /** One DKIM signature made with {@code algorithm} ({@code rsa-sha256}, {@code ed25519-sha256}). */
    public void dkimSignature(String algorithm) {
        dkimSignatures.computeIfAbsent(algorithm, this::dkimSignaturesCounter).increment();
    }

    /** One accepted message's DKIM result: {@code signed}, {@code unsigned} or {@code failed}. */
    public void dkimMessage(String result) {
        dkimMessages.computeIfAbsent(result, this::dkimMessagesCounter).increment();
    }

    private Counter intakeMessagesCounter(String result) {
        return Counter.builder("hermod.intake.messages")
                .description("Messages at the end of DATA (or HTTP injection), by result")
                .tag("result", result).register(registry);
    }

    private Counter deliveryAttemptsCounter(String result) {
        return Counter.builder("hermod.delivery.attempts")
                .description("Recipient delivery attempts, by result").tag("result", result).register(registry);
    }

    private Counter dnsFailuresCounter(String kind) {
        return Counter.builder("hermod.dns.failures")
                .description("Next-hop lookups that failed, by kind").tag("kind", kind).register(registry);
    }

    /** A counter that reads its value from {@code count} (for totals kept elsewhere, such as DNS queries). */
    public void counter(String name, String description, java.util.function.Supplier<Number> count) {
        // A function counter holds its object weakly: a lambda nobody else holds would be collected
        // and the counter would read NaN from then on. The registry's owner keeps them here.
        suppliers.add(count);
        FunctionCounter.builder(name, count, s -> s.get().doubleValue())
                .description(description).register(registry);
    }

    /** Meters into a registry nobody scrapes: for tests and tools. */
    public static HermodMetrics noop() {
        return new HermodMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The budget for mail in progress ({@code smtp.max_buffered_bytes}): the bytes held now, and the
     * totals of pauses (a session stopped reading to wait for memory) and refusals (451 4.3.1 or HTTP 503)
     * it keeps, as {@code hermod_intake_backpressure_total{action}}. The meters read the budget itself,
     * which lives as long as the process (Micrometer holds what it reads weakly).
     */
    public void intakeMemory(MemoryBudget memory) {
        Gauge.builder("hermod.intake.buffered.bytes", memory, MemoryBudget::used)
                .description("Bytes of mail in progress held against smtp.max_buffered_bytes (SMTP and HTTP bodies,"
                        + " chunks waiting for the spool writer)")
                .register(registry);
        Map<String, ToDoubleFunction<MemoryBudget>> actions =
                Map.of("paused", MemoryBudget::pauses, "refused", MemoryBudget::refusals);
        for (Map.Entry<String, ToDoubleFunction<MemoryBudget>> action : actions.entrySet()) {
            FunctionCounter.builder("hermod.intake.backpressure", memory, action.getValue())
                    .description("Intake held back by a full memory budget: paused = a session stopped reading"
                            + " to wait, refused = a message got 451 4.3.1 or an injection 503")
                    .tag("action", action.getKey()).register(registry);
        }
    }

    /** result: accepted, too_large, line_too_long, nul_octet, too_many_hops, spool_error, memory_full. */
    public void intakeMessage(String result) {
        intakeMessages.computeIfAbsent(result, this::intakeMessagesCounter).increment();
    }

    public void intakeReply(int code) {
        intakeReplies.computeIfAbsent(code, c -> Counter.builder("hermod.intake.replies")
                .description("Replies sent to SMTP clients, by code").tag("code", String.valueOf(c))
                .register(registry)).increment();
    }

    /** An accepted message's wait for its 250, from the end of its data. */
    public void intakeAcceptance(long nanos) {
        intakeAcceptance.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void spoolBatch(int operations, long nanos, boolean failed) {
        spoolCommit.record(nanos, TimeUnit.NANOSECONDS);
        spoolBatch.record(operations);
        if (failed) {
            spoolFailures.increment();
        }
    }

    /** result: delivered, deferred, failed, expired; per recipient and attempt. */
    public void deliveryAttempt(String result) {
        deliveryAttempts.computeIfAbsent(result, this::deliveryAttemptsCounter).increment();
    }

    /** stage: connect, ehlo, mail, rcpt, data, rset, quit. */
    public void deliveryReply(String stage, int code) {
        String key = stage + ':' + code;
        deliveryReplies.computeIfAbsent(key, k -> Counter.builder("hermod.delivery.replies")
                .description("Replies received from next hops, by code and stage")
                .tag("code", String.valueOf(code)).tag("stage", stage).register(registry)).increment();
    }

    public void deliveryLatency(long millis) {
        deliveryLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void transaction(long nanos) {
        transaction.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** failure: null on success, else permanent or transient. */
    public void dnsLookup(long nanos, String failure) {
        dnsLookup.record(nanos, TimeUnit.NANOSECONDS);
        if (failure != null) {
            dnsFailures.computeIfAbsent(failure, this::dnsFailuresCounter).increment();
        }
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void gauge(String name, String tagKey, String tagValue, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag(tagKey, tagValue).register(registry);
    }
    // ---- queue hand-off (io.hermod.cluster.handoff) ----

    /** Indexed by result: moved, failed (sender); committed, duplicate (receiver). */
    private final ConcurrentHashMap<String, Counter> handoffCounters = new ConcurrentHashMap<>();

    /**
     * Registers the hand-off meters at zero: {@code hermod_handoff_messages_total{result=moved|failed}}
     * (this pod handing its queue over), {@code hermod_handoff_received_total{result=committed|duplicate}}
     * (this pod taking a peer's) and the gauge {@code hermod_handoff_remaining} (messages still queued
     * here once a hand-off has started; 0 before).
     */
    public void registerHandoff(Supplier<Number> remaining) {
        for (String result : new String[] {"moved", "failed"}) {
            handoffCounters.computeIfAbsent(result, r -> Counter.builder("hermod.handoff.messages")
                    .description("Queued messages this pod handed to a peer (moved), or could not (failed)")
                    .tag("result", r).register(registry));
        }
        for (String result : new String[] {"committed", "duplicate"}) {
            handoffCounters.computeIfAbsent("received:" + result, r -> Counter.builder("hermod.handoff.received")
                    .description("Messages a peer handed to this pod: committed, or recognised as sent before")
                    .tag("result", result).register(registry));
        }
        gauge("hermod.handoff.remaining", "Messages left to hand over (0 until a hand-off starts)", remaining);
    }

    /** result: moved, failed. */
    public void handoffMessages(String result, int count) {
        Counter counter = handoffCounters.get(result);
        if (counter != null) {
            counter.increment(count);
        }
    }

    /** result: committed, duplicate. */
    public void handoffReceived(String result, int count) {
        Counter counter = handoffCounters.get("received:" + result);
        if (counter != null) {
            counter.increment(count);
        }
    }
}
