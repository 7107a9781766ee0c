package io.hermod.delivery;

import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;

/**
 * What one delivery attempt yields for one recipient: the server's reply and the step it answered,
 * a local failure with the step it happened in, or "not sent in this transaction". Everything
 * downstream (classification, events, metrics, DSNs, retry) reads this object; nothing parses a
 * reply back out of text.
 */
public sealed interface Outcome permits Outcome.Answered, Outcome.Failed, Outcome.Unsent {

    /** The server answered; for a recipient it accepted, the reply that ended the transaction. */
    record Answered(ClientStep step, Reply reply) implements Outcome {
        @Override
        public int code() {
            return reply.code();
        }

        @Override
        public EnhancedStatus status() {
            return reply.status();
        }

        @Override
        public String text() {
            return reply.toString();
        }

        @Override
        public boolean permanent() {
            return reply.isPermanent();
        }

        @Override
        public boolean delivered() {
            return reply.isPositive();
        }
    }

    /**
     * No reply decided it. {@code step} is where it happened, null before a connection (DNS);
     * {@code status} is the kind's default unless the cause brought its own (a null MX: 5.1.10).
     */
    record Failed(Failure failure, ClientStep step, EnhancedStatus status, String detail) implements Outcome {

        public static Failed of(Failure failure, ClientStep step, String detail) {
            return new Failed(failure, step, failure.defaultStatus(), detail);
        }

        @Override
        public int code() {
            return 0;
        }

        @Override
        public String text() {
            return detail;
        }

        @Override
        public boolean permanent() {
            return status.statusClass() == 5;
        }

        @Override
        public boolean delivered() {
            return false;
        }
    }

    /**
     * Not tried in this transaction, through no fault of the recipient: over
     * {@code delivery.max_recipients_per_transaction}, a {@code 452} to its RCPT after others were
     * accepted (RFC 5321 4.5.3.1.10), or a cached connection that the server had closed. It goes
     * out again at once, with no attempt counted.
     */
    record Unsent(String reason) implements Outcome {
        @Override
        public int code() {
            return 0;
        }

        @Override
        public EnhancedStatus status() {
            return null;
        }

        @Override
        public String text() {
            return reason;
        }

        @Override
        public boolean permanent() {
            return false;
        }

        @Override
        public boolean delivered() {
            return false;
        }
    }

    /** The reply code, 0 when no server reply decided it. */
    int code();

    /** The enhanced status, null when the server's reply carried none. */
    EnhancedStatus status();

    /** For people: the reply as received ({@code 550 5.1.1 no such user}) or what went wrong. */
    String text();

    boolean permanent();

    boolean delivered();
}
