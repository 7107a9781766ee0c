package io.hermod.bounce;

import java.util.Objects;

/**
 * One recipient the report is about.
 *
 * @param address    the recipient's address, without brackets
 * @param status     RFC 3463 code like {@code 5.1.1} or {@code 4.4.7}; one of another form is reported
 *                   as {@code 5.0.0} (failed) or {@code 4.0.0} (delayed)
 * @param remoteMta  host name or address literal of the server that answered, null when none did
 * @param diagnostic the server's reply text as received, e.g. {@code 550 5.1.1 no such user}, or
 *                   Hermod's own reason ({@code lost connection with ... while ...}); null is taken
 *                   as empty
 */
public record FailedRecipient(String address, String status, String remoteMta, String diagnostic) {

    public FailedRecipient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(status, "status");
        diagnostic = diagnostic == null ? "" : diagnostic;
    }
}
