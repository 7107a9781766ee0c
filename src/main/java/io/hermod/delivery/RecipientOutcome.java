package io.hermod.delivery;

/**
 * What one delivery attempt did for one recipient.
 *
 * @param index   the recipient's index in its envelope
 * @param outcome the reply or failure that decided it
 */
public record RecipientOutcome(int index, Outcome outcome) {
}
