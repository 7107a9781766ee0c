package io.hermod.feedback;

import io.hermod.bounce.Classifier;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.config.FeedbackConfig;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventSink;
import io.hermod.intake.InboundMail;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Suppression;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Consumes the mail of {@code inbound.domains}: parses it ({@link ReportParser}), matches it
 * ({@link ReportMatcher}), writes the suppression entries it adds (durably, through the spool's
 * group commit) and its events, and completes once the events are written to the event log file,
 * so that the 250 intake sends then means the report is on record. Parsing runs on {@code worker},
 * never on an event loop; a message is at most {@code inbound.max_size} octets.
 */
public final class InboundReports implements InboundMail {

    private static final System.Logger LOG = System.getLogger(InboundReports.class.getName());

    private final Set<String> domains;
    private final int maxSize;
    private final ReportMatcher matcher;
    private final Function<Suppression, CompletableFuture<Void>> suppress;
    private final EventSink events;
    private final HermodMetrics metrics;
    private final Executor worker;
    private final Clock clock;

    /**
     * @param references null when {@code feedback.secret} is unset (every report is then Unparsed)
     * @param suppress   adds one entry durably (the spool's suppression list)
     */
    public InboundReports(FeedbackConfig config, References references, Classifier classifier,
                          SuppressionPolicy suppression, Function<Suppression, CompletableFuture<Void>> suppress,
                          EventSink events, HermodMetrics metrics, Executor worker, Clock clock) {
        this.domains = Set.copyOf(config.inboundDomains());
        this.maxSize = (int) config.inboundMaxSize();
        this.matcher = new ReportMatcher(references, classifier, suppression);
        this.suppress = suppress;
        this.events = events;
        this.metrics = metrics;
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public boolean consumes(String domain) {
        return domains.contains(domain);
    }

    @Override
    public int maxSize() {
        return maxSize;
    }

    @Override
    public CompletableFuture<Void> consume(Message message) {
        return CompletableFuture.supplyAsync(() -> read(message), worker)
                .thenCompose(matched -> {
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (Suppression entry : matched.suppressions()) {
                        writes.add(suppress.apply(entry));
                    }
                    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> matched);
                })
                .thenAcceptAsync(matched -> {
                    for (Event event : matched.events()) {
                        events.append(event);
                    }
                    events.flush();
                    metrics.feedbackReport(matched.type());
                }, worker);
    }

    /** Parses and matches; what it yields, whatever the input (a bug in matching included: Unparsed, logged). */
    Matched read(Message message) {
        Matched matched;
        try {
            matched = matcher.match(message, ReportParser.parse(message.bytes()), clock.millis());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "feedback: message " + message.id() + " could not be matched", e);
            matched = ReportMatcher.unparsed(message, "could not be matched: " + e, clock.millis());
        }
        if ("unparsed".equals(matched.type())) {
            String why = matched.events().get(0).text();
            // Forgeries are worth an operator's eye; other junk is in the event log only.
            LOG.log(why.startsWith("forged") ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                    "feedback: message " + message.id() + " from " + message.clientAddress() + " to "
                            + message.recipients() + " kept as Unparsed: " + why);
        }
        return matched;
    }
}
