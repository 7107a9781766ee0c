package io.hermod.delivery;

import java.util.List;

/**
 * One transaction's outcome: a result for every recipient it carried, whether the connection can
 * carry another message, whether the destination itself is failing (connection refused, 421),
 * and the server that answered, null when none did.
 */
public record TransactionResult(List<RecipientOutcome> outcomes, boolean reusable, boolean siteFailure,
                                Destination.Candidate remote) {

    public TransactionResult {
        outcomes = List.copyOf(outcomes);
    }
}
