package io.hermod.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;
import org.mindrot.jbcrypt.BCrypt;

/**
 * bcrypt password hashes, as in {@code auth.users}. Hashes made by other tools are accepted in
 * every current variant: {@code $2a$}, {@code $2b$} (OpenBSD, Python's bcrypt) and {@code $2y$}
 * (PHP, {@code htpasswd -B}) compute the same hash for any password, so they are checked as
 * {@code $2a$}, the one revision jbcrypt knows.
 */
public final class PasswordHash {

    /** Work factor of hashes that {@code hermod passwd} makes: about a quarter second on a current core. */
    public static final int COST = 12;

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    private PasswordHash() {
    }

    public static String hash(String password) {
        return BCrypt.hashpw(password, BCrypt.gensalt(COST));
    }

    /** Whether {@code text} has the form of a bcrypt hash. */
    public static boolean isBcrypt(String text) {
        return BCRYPT.matcher(text).matches();
    }

    /** Checks a password; as slow as the hash's cost says, so never on an event loop. */
    static boolean matches(String password, String hash) {
        String normalised = normalise(hash);
        byte[] computed = BCrypt.hashpw(password, normalised).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(computed, normalised.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A hash no password matches, with the cost of {@code like}: checked for an unknown user, so
     * that the answer takes as long as for a known one and does not tell which users exist.
     */
    static String decoyLike(String like) {
        String cost = like.substring(like.indexOf('$', 1) + 1, like.indexOf('$', 1) + 3);
        return "$2a$" + cost + "$" + "H".repeat(53);
    }

    private static String normalise(String hash) {
        if (hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
            return "$2a$" + hash.substring(4);
        }
        return hash;
    }
}
