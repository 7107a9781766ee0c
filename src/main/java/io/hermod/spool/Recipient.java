package io.hermod.spool;

/**
 * One recipient of a spooled message: its address, state, how many delivery attempts it has had,
 * when the next one is due (epoch millis, 0 = now) and the last reply or failure seen, if any.
 */
public record Recipient(String address, RecipientState state, int attempts, long nextAttemptMillis, String lastResult) {

    public Recipient {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("recipient address is empty");
        }
        lastResult = lastResult == null ? "" : lastResult;
    }

    public static Recipient pending(String address) {
        return new Recipient(address, RecipientState.PENDING, 0, 0, "");
    }

    /** The domain part, lower-cased: what queues are keyed by. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
