package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each accepted message reports one wait for its 250, from the end of its data to the reply (not
 * counting pipelined commands answered after it); a refusal reports none.
 */
class SmtpSessionAcceptanceTimeTest {

    private final List<Long> waits = new ArrayList<>();
    private final List<String> replies = new ArrayList<>();

    private SessionHarness harness() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        options.observer = new IntakeObserver() {
            @Override
            public void reply(int code) {
                replies.add(Integer.toString(code));
            }

            @Override
            public void acceptanceTime(long nanos) {
                waits.add(nanos);
                replies.add("timed");
            }
        };
        return new SessionHarness(options);
    }

    @Test
    void acceptedMessage_reportsOneWait_coveringTheCommit_asItsReplyGoesOut() throws Exception {
        SessionHarness h = harness();
        h.openData("alice@example.com", "bob@example.org");
        assertThat(h.send("Subject: one\r\n\r\nbody\r\n.\r\n")).isEmpty(); // the commit is pending
        assertThat(waits).isEmpty();

        Thread.sleep(20);
        h.store.completeCommit(0);

        assertThat(h.newLines()).singleElement().asString().startsWith("250 2.0.0 Ok: queued as ");
        assertThat(waits).singleElement().satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(20_000_000L));
        assertThat(replies.subList(replies.size() - 2, replies.size())).containsExactly("timed", "250");
    }

    @Test
    void failedCommit_reportsNoWait() {
        SessionHarness h = harness();
        h.openData("alice@example.com", "bob@example.org");
        h.send("Subject: one\r\n\r\nbody\r\n.\r\n");

        h.store.failCommit(0);

        assertThat(h.newLines()).singleElement().asString().startsWith("451 ");
        assertThat(waits).isEmpty();
    }
}
