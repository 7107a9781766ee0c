package io.hermod.delivery;

import io.hermod.smtp.Reply;

/**
 * A conversation with a next hop that went wrong: the message says where ("lost connection with
 * 127.0.0.1:2526 while sending end of data"), {@link #outcome()} is what it means for the
 * recipients, {@link #siteFailure()} whether the whole destination should be backed off.
 */
public final class DeliveryException extends Exception {

    private final transient Outcome outcome;
    private final boolean siteFailure;

    private DeliveryException(String message, Outcome outcome, boolean siteFailure, Throwable cause) {
        super(message, cause, false, false);
        this.outcome = outcome;
        this.siteFailure = siteFailure;
    }

    /** The server answered {@code reply} at {@code step} and the conversation cannot go on. */
    public static DeliveryException answered(String message, ClientStep step, Reply reply, boolean siteFailure) {
        return new DeliveryException(message, new Outcome.Answered(step, reply), siteFailure, null);
    }

    /** A local failure at {@code step} (null before a connection existed). */
    public static DeliveryException failed(Failure failure, ClientStep step, String message, boolean siteFailure,
                                           Throwable cause) {
        return new DeliveryException(message, Outcome.Failed.of(failure, step, message), siteFailure, cause);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The server's reply, when one ended the conversation; else null. */
    public Reply reply() {
        return outcome instanceof Outcome.Answered a ? a.reply() : null;
    }

    public boolean siteFailure() {
        return siteFailure;
    }

    /** Permanent only when the server said so with a 5xx; a broken conversation is transient. */
    public boolean permanent() {
        return outcome.permanent();
    }

    /** What any throwable from a conversation means: an unknown one is a transient lost connection (maddy). */
    public static Outcome outcomeOf(Throwable e, ClientStep step) {
        if (e instanceof DeliveryException d) {
            return d.outcome();
        }
        return Outcome.Failed.of(Failure.LOST_CONNECTION, step, String.valueOf(e.getMessage()));
    }
}
