package io.hermod.delivery;

/**
 * What one delivery attempt did for one recipient.
 *
 * @param index  the recipient's index in its envelope
 * @param result delivered, deferred (try again) or failed (permanently)
 * @param detail the server's reply ({@code 250 2.0.0 Ok: queued as X}) or what went wrong
 */
public record RecipientOutcome(int index, Result result, String detail) {

    public enum Result { DELIVERED, DEFERRED, FAILED }
}
