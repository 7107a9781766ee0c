package io.hermod.intake;

import io.hermod.smtp.Mailbox;
import java.util.List;
import java.util.Locale;

/**
 * A user who passed AUTH, with the senders it may use in {@code MAIL FROM}: whole addresses
 * ({@code alice@example.com}), domains ({@code example.com}, exactly that domain, not its
 * subdomains), or {@code *} for any. An empty list allows only the null sender {@code <>}: a
 * password alone is no licence to send as anybody (the forged-sender problem).
 */
public record AuthenticatedUser(String name, List<String> senders) {

    public static final String ANY_SENDER = "*";

    public AuthenticatedUser {
        senders = senders.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** Whether this user may use {@code sender}; null is the null reverse-path {@code <>}. */
    public boolean maySend(Mailbox sender) {
        if (sender == null) {
            return true;
        }
        String address = sender.toString().toLowerCase(Locale.ROOT);
        String domain = sender.domainKey();
        for (String allowed : senders) {
            if (allowed.equals(ANY_SENDER) || allowed.equals(address) || allowed.equals(domain)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
