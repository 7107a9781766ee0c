package io.hermod.delivery;

import java.util.List;

/**
 * One transaction's outcome: a result for every recipient it carried, whether the connection can
 * carry another message, and whether the destination itself is failing (connection refused, 421).
 */
public record TransactionResult(List<RecipientOutcome> outcomes, boolean reusable, boolean siteFailure) {

    public TransactionResult {
        outcomes = List.copyOf(outcomes);
    }
}
