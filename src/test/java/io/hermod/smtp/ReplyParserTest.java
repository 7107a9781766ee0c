package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyParserTest {

    private static List<Reply> parse(String wire, int splitAt) {
        List<Reply> replies = new ArrayList<>();
        ReplyParser parser = new ReplyParser(replies::add);
        byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
        parser.feed(bytes, 0, splitAt);
        parser.feed(bytes, splitAt, bytes.length - splitAt);
        return replies;
    }

    @Test
    void multiLineAndPipelinedReplies_parseTheSameAtEverySplit() {
        String wire = "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n550 5.1.1 no such user\r\n354 go ahead\r\n";
        for (int split = 0; split <= wire.length(); split++) {
            List<Reply> replies = parse(wire, split);
            assertThat(replies).hasSize(3);
            assertThat(replies.get(0).lines()).containsExactly("mx.example", "PIPELINING", "SIZE 1000");
            assertThat(replies.get(1).status()).isEqualTo(new EnhancedStatus(5, 1, 1));
            assertThat(replies.get(1).lines()).containsExactly("no such user");
            assertThat(replies.get(2).code()).isEqualTo(354);
        }
    }

    @Test
    void enhancedCodeOfTheWrongClass_orOnA354_isKeptAsText() {
        List<Reply> replies = parse("250 5.1.1 odd\r\n354 3.0.0 go ahead\r\n", 0);
        assertThat(replies.get(0).status()).isNull();
        assertThat(replies.get(0).lines()).containsExactly("5.1.1 odd");
        assertThat(replies.get(1).status()).isNull();
        assertThat(replies.get(1).lines()).containsExactly("3.0.0 go ahead");
    }
}
