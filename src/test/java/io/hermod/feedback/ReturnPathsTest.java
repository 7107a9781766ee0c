package io.hermod.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.FeedbackConfig;
import io.hermod.delivery.ReturnPath;
import io.hermod.feedback.References.Read;
import io.hermod.feedback.References.ReturnToken;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReturnPathsTest {

    private static final String SECRET = "a-secret-of-some-length";
    private static final MessageId ID = MessageId.parse("0192A3B4C5D6E7F8");
    private static final FeedbackConfig ON = new FeedbackConfig(List.of("bounces.example.com"), 1 << 20,
            Optional.of("bounces.example.com"), Optional.of(SECRET));

    private static Envelope envelope(String sender) {
        return new Envelope(ID, sender, List.of(Recipient.pending("a@far.test"), Recipient.pending("b@far.test")),
                1L, 10, 1, false, false, "client.test", "127.0.0.1");
    }

    @Test
    void off_keepsTheSender() {
        assertThat(ReturnPaths.of(FeedbackConfig.off()).reversePath(envelope("news@origin.test"), List.of(0)))
                .isEqualTo("news@origin.test");
    }

    @Test
    void oneRecipient_isTagged_several_areNot() {
        ReturnPath paths = ReturnPaths.of(ON);
        References refs = new References(SECRET);

        String one = paths.reversePath(envelope("news@origin.test"), List.of(1));
        String two = paths.reversePath(envelope("news@origin.test"), List.of(0, 1));

        assertThat(one).endsWith("@bounces.example.com");
        assertThat(refs.readLocalPart(one.substring(0, one.indexOf('@'))))
                .isEqualTo(new Read.Verified<>(new ReturnToken(ID, Optional.of(refs.recipientTag("b@far.test")))));
        assertThat(refs.readLocalPart(two.substring(0, two.indexOf('@'))))
                .isEqualTo(new Read.Verified<>(new ReturnToken(ID, Optional.empty())));
    }

    @Test
    void nullSender_isNeverRewritten() {
        assertThat(ReturnPaths.of(ON).reversePath(envelope(""), List.of(0))).isEmpty();
    }
}
