package io.hermod.spool;

import java.util.Locale;

/**
 * One entry of the suppression list: mail to {@code address} is refused, from every sender when
 * {@code scope} is empty (global), else from senders in the domain {@code scope}. Scope and
 * address are kept lower-cased, so a lookup matches whatever case a client writes.
 *
 * @param reason       why: a bounce category ("invalid-recipient") or "manual"
 * @param addedMillis  when it was added
 * @param expiresMillis when it stops counting; 0 = never
 */
public record Suppression(String scope, String address, String reason, long addedMillis, long expiresMillis) {

    /** The scope of an entry that holds for every sender. */
    public static final String GLOBAL = "";

    /** The reason of an entry an operator added. */
    public static final String MANUAL = "manual";

    public Suppression {
        scope = normalise(scope);
        address = normalise(address);
        if (scope.indexOf('\0') >= 0 || address.isEmpty() || address.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad suppression entry: scope " + scope + ", address " + address);
        }
    }

    public boolean global() {
        return scope.isEmpty();
    }

    /** False once {@code nowMillis} has reached the expiry. */
    public boolean inForce(long nowMillis) {
        return expiresMillis == 0 || nowMillis < expiresMillis;
    }

    static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
