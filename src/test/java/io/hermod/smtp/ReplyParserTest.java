package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyParserTest {

    private static List<Reply> parse(String wire, int splitAt) {
        List<Reply> replies = new ArrayList<>();
        ReplyParser parser = new ReplyParser(replies::add);
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
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

    @Test
    void statusIsTakenOffEveryLineThatCarriesIt_andALineOfTheStatusAloneIsEmpty() {
        List<Reply> replies = parse("550-5.7.1 first\r\n550-5.7.1\r\n550-other text\r\n550 5.7.1 last\r\n", 7);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).status()).isEqualTo(new EnhancedStatus(5, 7, 1));
        assertThat(replies.get(0).lines()).containsExactly("first", "", "other text", "last");
    }

    @Test
    void statusWithLeadingZeros_isRead_butOnlyItsPrintedFormIsTakenOff() {
        List<Reply> replies = parse("250 2.00.0 ok\r\n451-4.7.1 wait\r\n451 4.07.1 more\r\n"
                + "250-2.00.0 first\r\n250-2.0.0\r\n250 2.0.0 last\r\n", 3);
        assertThat(replies.get(0).status()).isEqualTo(new EnhancedStatus(2, 0, 0));
        assertThat(replies.get(0).lines()).containsExactly("2.00.0 ok");
        assertThat(replies.get(1).lines()).containsExactly("wait", "4.07.1 more");
        assertThat(replies.get(2).status()).isEqualTo(new EnhancedStatus(2, 0, 0));
        assertThat(replies.get(2).lines()).containsExactly("2.00.0 first", "", "last");
    }

    @Test
    void bareCodes_andLinesWithoutCr_areReplies() {
        List<Reply> replies = parse("250\n221 bye\n", 2);
        assertThat(replies).extracting(Reply::code).containsExactly(250, 221);
        assertThat(replies.get(0).lines()).containsExactly("");
        assertThat(replies.get(1).lines()).containsExactly("bye");
    }

    @Test
    void aLineSplitInManyReads_isOneLine_andUtf8TextIsKept() {
        byte[] wire = "250 2.0.0 d\u00e9j\u00e0 vu, queued as 1234567890\r\n".getBytes(StandardCharsets.UTF_8);
        List<Reply> replies = new ArrayList<>();
        ReplyParser parser = new ReplyParser(replies::add);
        for (byte b : wire) {
            parser.feed(new byte[] {b}, 0, 1);
        }
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).lines()).containsExactly("d\u00e9j\u00e0 vu, queued as 1234567890");
    }

    @ParameterizedTest
    @ValueSource(strings = {"25\r\n", "2x0 no\r\n", "250_no\r\n", "\u0662\u0665\u0660 arabic digits\r\n", "199 low\r\n",
        "600 high\r\n", "250-one\r\n251 two\r\n", "\r\n"})
    void malformedLines_areSyntaxErrors(String wire) {
        assertThatThrownBy(() -> parse(wire, 0)).isInstanceOf(ReplyParser.ReplySyntaxException.class);
    }

    @Test
    void theLineLimit_countsAnUnendedLineAcrossReads_andAWholeLongLineIsAReply() {
        ReplyParser parser = new ReplyParser(r -> { });
        byte[] half = "x".repeat(ReplyParser.MAX_LINE / 2).getBytes(StandardCharsets.US_ASCII);
        parser.feed("250 ".getBytes(StandardCharsets.US_ASCII), 0, 4);
        parser.feed(half, 0, half.length - 4);
        parser.feed(half, 0, half.length); // exactly the limit, unended: still waiting for its LF
        assertThatThrownBy(() -> parser.feed(half, 0, 1))
                .isInstanceOf(ReplyParser.ReplySyntaxException.class).hasMessageContaining("longer than");

        List<Reply> replies = parse("250 " + "y".repeat(2 * ReplyParser.MAX_LINE) + "\r\n", 0);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).lines().get(0)).hasSize(2 * ReplyParser.MAX_LINE);
    }

    @Test
    void anUnendedLineOverTheLimit_orTooManyLines_areSyntaxErrors() {
        ReplyParser parser = new ReplyParser(r -> { });
        byte[] longLine = ("250 " + "x".repeat(ReplyParser.MAX_LINE)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.feed(longLine, 0, longLine.length))
                .isInstanceOf(ReplyParser.ReplySyntaxException.class).hasMessageContaining("longer than");
        String many = "250-x\r\n".repeat(ReplyParser.MAX_LINES + 1) + "250 end\r\n";
        assertThatThrownBy(() -> parse(many, 0))
                .isInstanceOf(ReplyParser.ReplySyntaxException.class).hasMessageContaining("more than");
    }

    @Test
    void afterAMultiLineReply_theNextReplyStartsAfresh() {
        List<Reply> replies = parse("250-a\r\n250 b\r\n354 go\r\n250-c\r\n250 d\r\n", 11);
        assertThat(replies).extracting(Reply::code).containsExactly(250, 354, 250);
        assertThat(replies.get(2).lines()).containsExactly("c", "d");
    }
}
