package io.hermod.eventlog;

/**
 * One line of the event log: one recipient's outcome, or one operator action. Fields that do not
 * apply are null (or 0 for numbers) and are left out of the JSON.
 *
 * @param destinationHost    the MX or route host name that answered, if any
 * @param destinationAddress its IP address (and port), if any
 * @param code               the SMTP reply code (250, 451, 550...), 0 when there was no reply
 * @param enhancedCode       the RFC 3463 code ("5.1.1"), if any
 * @param text               the reply text, or what went wrong ("lost connection with ... while ...")
 * @param attempt            delivery attempt number, 1 for the first; 0 for Reception and AdminAction
 * @param queueTimeMillis    time since the message was accepted
 * @param detail             for AdminAction: what was done ("suspend example.com"); else null
 * @param category           for TransientFailure, Bounce, Expiration and OOB: the bounce category
 *                           ("invalid-recipient", see {@code io.hermod.bounce.BounceCategory}); else null
 * @param tenant             the tenant tag a batch injection gave the message, else null
 * @param campaign           the campaign tag a batch injection gave the message, else null
 * @param pool               the pool a batch injection named for the message, else null
 */
public record Event(EventType type, long timeMillis, String messageId, String sender, String recipient,
                    String destinationHost, String destinationAddress, int code, String enhancedCode, String text,
                    int attempt, long queueTimeMillis, String detail, String category, String tenant,
                    String campaign, String pool) {

    /** An event of a message without tags (anything but a tagged batch injection). */
    public Event(EventType type, long timeMillis, String messageId, String sender, String recipient,
                 String destinationHost, String destinationAddress, int code, String enhancedCode, String text,
                 int attempt, long queueTimeMillis, String detail, String category) {
        this(type, timeMillis, messageId, sender, recipient, destinationHost, destinationAddress, code, enhancedCode,
                text, attempt, queueTimeMillis, detail, category, null, null, null);
    }

    /** An event without a category: a delivery, a reception, an operator action. */
    public Event(EventType type, long timeMillis, String messageId, String sender, String recipient,
                 String destinationHost, String destinationAddress, int code, String enhancedCode, String text,
                 int attempt, long queueTimeMillis, String detail) {
        this(type, timeMillis, messageId, sender, recipient, destinationHost, destinationAddress, code, enhancedCode,
                text, attempt, queueTimeMillis, detail, null, null, null, null);
    }
}
