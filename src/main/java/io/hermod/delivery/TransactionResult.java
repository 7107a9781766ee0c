package io.hermod.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * One transaction's outcome: a result for every recipient it carried, whether the connection can
 * carry another message, whether the destination itself is failing (connection refused, 421 from
 * a fresh connection), and the server that answered, null when none did. The remote's {@code tls}
 * says whether the session was encrypted and how.
 */
public record TransactionResult(List<RecipientOutcome> outcomes, boolean reusable, boolean siteFailure,
                                Destination.Candidate remote) {

    public TransactionResult {
        outcomes = List.copyOf(outcomes);
    }

    /** The same outcome for every one of {@code indexes}: a failure before any reply. */
    public static TransactionResult all(List<Integer> indexes, Outcome outcome, boolean siteFailure,
                                        Destination.Candidate remote) {
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            outcomes.add(new RecipientOutcome(index, outcome));
        }
        return new TransactionResult(outcomes, false, siteFailure, remote);
    }

    /** {@code TLSv1.3 TLS_AES_256_GCM_SHA384} when the transaction ran over TLS, else null. */
    public String tls() {
        return remote == null ? null : remote.tls();
    }
}
