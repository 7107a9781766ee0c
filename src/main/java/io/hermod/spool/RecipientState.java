package io.hermod.spool;

/** Where one recipient of a spooled message stands. Only {@link #PENDING} is not final. */
public enum RecipientState {
    PENDING, DELIVERED, BOUNCED, EXPIRED, DELETED;

    public boolean isFinal() {
        return this != PENDING;
    }
}
