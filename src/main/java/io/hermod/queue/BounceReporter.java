package io.hermod.queue;

import io.hermod.bounce.FailedRecipient;
import io.hermod.spool.Envelope;
import io.vertx.core.Future;
import java.util.List;

/** Told about recipients that failed for good (5xx, null MX, expiry), or are long delayed, in one message. */
interface BounceReporter {

    /**
     * Completes once the report is safely spooled (or when none is due, as for a null sender); fails
     * when it could not be spooled, and the caller tries again later. The caller records the recipients as final only then, so the original message
     * cannot leave the spool before its bounce exists.
     */
    Future<Void> failed(Envelope envelope, List<FailedRecipient> recipients);

    /** Recipients still being retried after {@code queue.delay_warning}: a delay report (Action: delayed). */
    void delayed(Envelope envelope, List<FailedRecipient> recipients);
}
