package io.hermod.spool;

/**
 * One recipient of a spooled message: its address, state, how many delivery attempts it has had,
 * when the next one is due (epoch millis, 0 = now), the last reply or failure seen, if any, and the
 * category of that failure ({@code invalid-recipient}, ...; empty when none).
 */
public record Recipient(String address, RecipientState state, int attempts, long nextAttemptMillis, String lastResult,
                        String category) {

    public Recipient {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("recipient address is empty");
        }
        lastResult = lastResult == null ? "" : lastResult;
        category = category == null ? "" : category;
    }

    /** A recipient with no bounce category (none yet, or delivered). */
    public Recipient(String address, RecipientState state, int attempts, long nextAttemptMillis, String lastResult) {
        this(address, state, attempts, nextAttemptMillis, lastResult, "");
    }

    /** The same recipient, its last failure put in {@code category} (bounce categories, issue 13). */
    public Recipient withCategory(String category) {
        return new Recipient(address, state, attempts, nextAttemptMillis, lastResult, category);
    }

    public static Recipient pending(String address) {
        return new Recipient(address, RecipientState.PENDING, 0, 0, "");
    }

    /** The domain part, lower-cased: what queues are keyed by. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
