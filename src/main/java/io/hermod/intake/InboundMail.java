package io.hermod.intake;

import io.hermod.spool.MessageId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Mail to the domains of {@code inbound.domains}: accepted at RCPT from any client (as a domain's
 * MX would), never relayed, and handed here at the end of DATA to be consumed (read as a bounce or
 * feedback report and turned into events). The session sends its {@code 250} only once
 * {@link #consume} has completed, so a client that got one knows the report's events are written.
 */
public interface InboundMail {

    /** No inbound domains: every recipient is relayed, or refused as relaying. */
    InboundMail NONE = new InboundMail() {
        @Override
        public boolean consumes(String domain) {
            return false;
        }

        @Override
        public int maxSize() {
            return 0;
        }

        @Override
        public CompletableFuture<Void> consume(Message message) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** Whether mail to {@code domain} (lower case) is consumed rather than relayed. */
    boolean consumes(String domain);

    /** Octets of a message kept for {@link #consume}; the rest is accepted and dropped. */
    int maxSize();

    /**
     * Consumes one message. Completes, on any thread, when its events are written and any
     * suppression entry it adds is durable; fails when that could not be done (the client then
     * gets {@code 451} and sends again). Must not block the caller.
     */
    CompletableFuture<Void> consume(Message message);

    /**
     * One message for the inbound domains.
     *
     * @param id         the id intake gave it (it is not spooled under it unless other recipients are relayed)
     * @param recipients its recipients at the inbound domains
     * @param bytes      the message as stored (CRLF lines), at most {@link #maxSize()} octets
     * @param truncated  whether the message was longer than {@code bytes}
     */
    record Message(MessageId id, String sender, List<String> recipients, String clientAddress, byte[] bytes,
                   boolean truncated) {
        public Message {
            recipients = List.copyOf(recipients);
        }
    }
}
