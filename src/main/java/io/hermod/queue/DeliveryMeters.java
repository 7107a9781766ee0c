package io.hermod.queue;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.DeliveryObserver;
import io.hermod.metrics.HermodMetrics;

/** Outbound replies by stage and transaction times, into {@link HermodMetrics}. */
final class DeliveryMeters implements DeliveryObserver {

    private final HermodMetrics metrics;

    DeliveryMeters(HermodMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void reply(ClientStep step, int code) {
        metrics.deliveryReply(stage(step), code);
    }

    @Override
    public void transaction(long nanos) {
        metrics.transaction(nanos);
    }

    /** The {@code stage} label: a handful of values, whatever the step. */
    static String stage(ClientStep step) {
        return switch (step) {
            case CONNECT, GREETING -> "connect";
            case EHLO, HELO -> "ehlo";
            case STARTTLS -> "starttls";
            case MAIL -> "mail";
            case RCPT -> "rcpt";
            case DATA, MESSAGE, END_OF_DATA -> "data";
            case RSET -> "rset";
            case QUIT -> "quit";
        };
    }
}
