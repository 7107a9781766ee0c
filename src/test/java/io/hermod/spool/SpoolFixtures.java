package io.hermod.spool;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the spool tests share: a two-recipient envelope of one 5-octet chunk, and waiting for a write. */
final class SpoolFixtures {

    private SpoolFixtures() {
    }

    static Envelope twoRecipients(MessageId id) {
        return new Envelope(id, "sender@example.com",
                List.of(Recipient.pending("a@example.net"), Recipient.pending("b@example.net")), 1L, 5, 1, false,
                false, "client.example", "127.0.0.1");
    }

    static void await(CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }
}
