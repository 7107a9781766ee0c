package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery.max_recipients_per_transaction}: a message for more recipients than that at one
 * domain goes out in several transactions, one after the other at once, with no deferral between.
 */
class RecipientsPerTransactionIT {

    @TempDir
    Path dir;

    @Test
    void fiveRecipients_capOfTwo_threeTransactions_allDeliveredAtTheFirstAttempt() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                      max_recipients_per_transaction: 2
                    queue:
                      retry: {initial: 1h}
                    """);
            try {
                List<String> recipients = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    recipients.add("r" + i + "@cap.test");
                }
                RetryIT.send(hermod.smtpPort(), recipients);
                Await.until(() -> sink.deliveredRecipients().size() == 5, 30, () -> sink.reads().toString());

                assertThat(sink.received()).extracting(r -> r.recipients().size()).containsExactlyInAnyOrder(2, 2, 1);
                assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrderElementsOf(recipients);
                List<JsonObject> delivered = EventLogFile.await(hermod, dir.resolve("events.log"), 5,
                        e -> "Delivery".equals(e.getString("type")));
                assertThat(delivered).allSatisfy(e -> assertThat(e.getInteger("attempt")).isEqualTo(1));
                assertThat(EventLogFile.ofType(hermod, dir.resolve("events.log"), "TransientFailure")).isEmpty();
            } finally {
                hermod.close();
            }
        }
    }
}
