package io.hermod.queue;

import io.hermod.bounce.DsnBuilder;
import io.hermod.bounce.FailedRecipient;
import io.hermod.bounce.ReportAction;
import io.hermod.dkim.Signing;
import io.hermod.smtp.Mailbox;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;

/**
 * Turns permanent failures into RFC 3464 reports sent from {@code <>} to the original sender
 * through Hermod's own queue: one report per original message and failure time, never for a
 * message whose sender is {@code <>} (that would loop).
 */
final class Bounces implements BounceReporter {

    private static final System.Logger LOG = System.getLogger(Bounces.class.getName());
    /** Enough for any sane header section; the report attaches the headers, not the body. */
    static final int MAX_ORIGINAL_HEADERS = 64 * 1024;

    private final Vertx vertx;
    private final Spool spool;
    private final DsnBuilder dsn;
    private final String hostname;
    private final Clock clock;
    private final Acceptance acceptance;
    private final Signing signing;

    Bounces(Vertx vertx, Spool spool, String hostname, Clock clock, Acceptance acceptance, Signing signing) {
        this.signing = signing;
        this.vertx = vertx;
        this.spool = spool;
        this.dsn = new DsnBuilder(hostname, clock);
        this.hostname = hostname;
        this.clock = clock;
        this.acceptance = acceptance;
    }

    @Override
    public Future<Void> failed(Envelope original, List<FailedRecipient> recipients) {
        return report(original, recipients, ReportAction.FAILED);
    }

    @Override
    public void delayed(Envelope original, List<FailedRecipient> recipients) {
        report(original, recipients, ReportAction.DELAYED);
    }

    private Future<Void> report(Envelope original, List<FailedRecipient> recipients, ReportAction action) {
        if (original.isNullSender()) {
            LOG.log(System.Logger.Level.INFO, "bounce: " + original.id() + " has the null sender; no report for "
                    + recipients.size() + " failed recipient(s)");
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            byte[] headers = DsnBuilder.headerSection(spool.chunk(original.id(), 0), MAX_ORIGINAL_HEADERS);
            MessageId id = spool.newId();
            byte[] report = dsn.build(original, headers, recipients, action, id.toString());
            Envelope envelope = new Envelope(id, "", List.of(Recipient.pending(original.sender())), clock.millis(),
                    report.length, 1, hasEightBit(report), !Mailbox.isAscii(original.sender()), hostname, "127.0.0.1");
            Signing.Message signature = signing.start();
            signature.update(report, 0, report.length);
            byte[] signatures = signature.finish();
            acceptance.accept(envelope.withPrefix(signatures.length), report, signatures).join();
            LOG.log(System.Logger.Level.INFO, "bounce: " + action.name().toLowerCase(java.util.Locale.ROOT)
                    + " report " + id + " to <" + original.sender() + "> for "
                    + recipients.size() + " recipient(s) of " + original.id());
            return (Void) null;
        }, false).onFailure(e -> LOG.log(System.Logger.Level.ERROR, "bounce: cannot report failures of "
                + original.id() + " (will retry): " + e.getMessage()));
    }

    /** Original headers with 8-bit bytes are attached as they are: such a report needs BODY=8BITMIME. */
    private static boolean hasEightBit(byte[] report) {
        for (byte b : report) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
