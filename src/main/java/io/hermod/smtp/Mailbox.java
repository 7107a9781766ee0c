package io.hermod.smtp;

import java.util.Locale;

/**
 * A mailbox {@code local-part@domain} as it appeared in a path, the local part kept exactly as sent
 * (quotes included) since only the destination may interpret it. The domain is kept as sent too;
 * {@link #domainKey()} is the lower-case form queues and routes are keyed by.
 */
public record Mailbox(String localPart, String domain) {

    public static Mailbox parse(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException("not a mailbox: " + address);
        }
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
    }

    public String domainKey() {
        return domain.toLowerCase(Locale.ROOT);
    }

    public boolean isAscii() {
        return isAscii(localPart) && isAscii(domain);
    }

    /** Whether every character is US-ASCII (an address that needs no SMTPUTF8). The one copy: use it. */
    public static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
