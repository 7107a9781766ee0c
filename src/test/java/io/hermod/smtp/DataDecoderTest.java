package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dot-unstuffing, end of data and the line limit of RFC 5321 4.5.2, fed any split of the stream. */
class DataDecoderTest {

    /** A decoder with the body it wrote. */
    private static final class Run implements DataDecoder.Output {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final DataDecoder decoder = new DataDecoder(this);

        @Override
        public void write(byte b) {
            body.write(b);
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            body.write(source, offset, length);
        }

        int decode(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            return decoder.decode(bytes, 0, bytes.length);
        }

        String body() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }

    @Test
    void crlfDotCrlf_endsData_andTheBodyKeepsItsLastCrlf() {
        Run r = new Run();
        String input = "Subject: x\r\n\r\nbody\r\n.\r\n";
        assertThat(r.decode(input)).isEqualTo(input.length());
        assertThat(r.decoder.isDone()).isTrue();
        assertThat(r.body()).isEqualTo("Subject: x\r\n\r\nbody\r\n");
    }

    @Test
    void dotOnTheFirstLine_endsAnEmptyMessage() {
        Run r = new Run();
        assertThat(r.decode(".\r\n")).isEqualTo(3);
        assertThat(r.decoder.isDone()).isTrue();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void bytesAfterEndOfData_areNotConsumed() {
        Run r = new Run();
        String input = "hi\r\n.\r\nQUIT\r\n";
        assertThat(r.decode(input)).isEqualTo("hi\r\n.\r\n".length());
        assertThat(r.body()).isEqualTo("hi\r\n");
    }

    @Test
    void offsetAndLength_areHonoured() {
        Run r = new Run();
        byte[] bytes = "XXhi\r\n.\r\nYY".getBytes(StandardCharsets.US_ASCII);
        assertThat(r.decoder.decode(bytes, 2, bytes.length - 2)).isEqualTo(7);
        assertThat(r.body()).isEqualTo("hi\r\n");
    }

    @Test
    void leadingDot_isRemovedOnce() {
        Run r = new Run();
        r.decode("..x\r\n...\r\n.y\r\n.\r\n");
        assertThat(r.body()).isEqualTo(".x\r\n..\r\ny\r\n");
    }

    @Test
    void dotInsideALine_isKept() {
        Run r = new Run();
        r.decode("a.b\r\nc .\r\n.\r\n");
        assertThat(r.body()).isEqualTo("a.b\r\nc .\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'\\n.\\r\\n',   '\\r\\n.\\r\\n'",
        "'\\r\\n.\\n',   '\\r\\n.\\r\\n'",
        "'\\r.\\r\\n',   '\\r\\n.\\r\\n'",
        "'\\n.\\n',      '\\r\\n.\\r\\n'",
        "'\\r.\\r',      '\\r\\n.\\r\\n'",
        "'\\r\\n.\\r',   '\\r\\n.\\r\\n'",
        "'\\r\\n.\\rx',  '\\r\\n.\\r\\nx'",
    })
    void smugglingPayload_doesNotEndData_andIsStoredWithCrlf(String payload, String stored) {
        Run r = new Run();
        String input = "text" + unescape(payload) + "MAIL FROM:<evil@example.net>\r\n";

        assertThat(r.decode(input)).isEqualTo(input.length());
        assertThat(r.decoder.isDone()).isFalse();

        assertThat(r.decode(".\r\n")).isEqualTo(3);
        assertThat(r.decoder.isDone()).isTrue();
        assertThat(r.body()).isEqualTo("text" + unescape(stored) + "MAIL FROM:<evil@example.net>\r\n");
    }

    @Test
    void bareLfThenDotCrlf_atTheStart_doesNotEndData() {
        Run r = new Run();
        r.decode("\n.\r\n");
        assertThat(r.decoder.isDone()).isFalse();
        r.decode(".\r\n");
        assertThat(r.body()).isEqualTo("\r\n.\r\n");
    }

    @Test
    void bareCrAndBareLf_becomeCrlf() {
        Run r = new Run();
        r.decode("a\rb\nc\r\r\nd\r\n.\r\n");
        assertThat(r.body()).isEqualTo("a\r\nb\r\nc\r\n\r\nd\r\n");
    }

    @Test
    void endOfData_isFoundAtEverySplitPoint_withTheSameBodyAndConsumption() {
        String input = "Subject: s\r\n\r\n..stuffed\r\nbare\n.\r\nmore\r.\r\nlast\r\n.\r\nNOOP\r\n";
        String expectedBody = "Subject: s\r\n\r\n.stuffed\r\nbare\r\n.\r\nmore\r\n.\r\nlast\r\n";
        int expectedConsumed = input.indexOf("NOOP");
        for (int split = 0; split <= input.length(); split++) {
            Run r = new Run();
            int consumed = r.decode(input.substring(0, split));
            if (!r.decoder.isDone()) {
                assertThat(consumed).as("split %d, first part", split).isEqualTo(split);
                consumed += r.decode(input.substring(split));
            }
            assertThat(r.decoder.isDone()).as("split %d", split).isTrue();
            assertThat(consumed).as("split %d", split).isEqualTo(expectedConsumed);
            assertThat(r.body()).as("split %d", split).isEqualTo(expectedBody);
        }
    }

    @Test
    void oneByteAtATime_givesTheSameBody() {
        String input = "..a\r\n\n.\r\nb\r\n.\r\n";
        Run r = new Run();
        for (int i = 0; i < input.length() && !r.decoder.isDone(); i++) {
            assertThat(r.decode(input.substring(i, i + 1))).isEqualTo(1);
        }
        assertThat(r.decoder.isDone()).isTrue();
        assertThat(r.body()).isEqualTo(".a\r\n\r\n.\r\nb\r\n");
    }

    @Test
    void lineOf998Octets_isWithinTheLimit() {
        Run r = new Run();
        r.decode("x".repeat(998) + "\r\n.\r\n");
        assertThat(r.decoder.sawLineTooLong()).isFalse();
    }

    @Test
    void lineOf999Octets_isTooLong_splitOrNot() {
        Run whole = new Run();
        whole.decode("x".repeat(999) + "\r\n.\r\n");
        assertThat(whole.decoder.sawLineTooLong()).isTrue();

        Run split = new Run();
        split.decode("x".repeat(500));
        split.decode("x".repeat(499) + "\r\n.\r\n");
        assertThat(split.decoder.sawLineTooLong()).isTrue();
    }

    @Test
    void lineLength_restartsAfterEveryKindOfLineBreak() {
        Run r = new Run();
        String line = "x".repeat(998);
        r.decode(line + "\r\n" + line + "\n" + line + "\r" + line + "\r\n.\r\n");
        assertThat(r.decoder.sawLineTooLong()).isFalse();
    }

    @Test
    void transparencyDot_countsTowardsTheLineLength() {
        Run r = new Run();
        r.decode("." + "x".repeat(998) + "\r\n.\r\n");
        assertThat(r.decoder.sawLineTooLong()).isTrue();
        assertThat(r.body()).isEqualTo("x".repeat(998) + "\r\n");
    }

    @Test
    void nulSmugglingPayload_isOrdinaryText_butTheContentHasANul() {
        Run r = new Run();
        r.decode("text\r\n\0.\r\nMAIL FROM:<evil@example.net>\r\n");
        assertThat(r.decoder.isDone()).isFalse();
        r.decode(".\r\n");
        assertThat(r.decoder.isDone()).isTrue();
        assertThat(r.decoder.content().sawNul()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'\\0x'", "'.\\0'", "'x\\r\\0'", "'x\\n\\0'", "'..\\0'"})
    void nulAfterAnyKindOfLineStartOrDot_isSeen(String escaped) {
        Run r = new Run();
        r.decode(unescape(escaped).replace("\\0", "\0") + "\r\n.\r\n");
        assertThat(r.decoder.content().sawNul()).isTrue();
    }

    @Test
    void contentScreen_seesTheDecodedText_atEverySplit() {
        // A stuffed ".Received:" line is not a Received field; bare LF ends a header line as CRLF does.
        String input = "Received: a\nReceived: b\r\n..Received: c\r\nreceived: d\r\n\r\nReceived: e\r\n.\r\n";
        for (int split = 0; split <= input.length(); split++) {
            Run r = new Run();
            r.decode(input.substring(0, split));
            r.decode(input.substring(split));
            assertThat(r.decoder.content().receivedFields()).as("split %d", split).isEqualTo(3);
            assertThat(r.decoder.content().sawNul()).as("split %d", split).isFalse();
        }
    }

    @Test
    void wholeLinesInOneCall_decodeAsByteByByte_forAnyMixOfDotsAndLineBreaks() {
        // Fed one byte at a time, no call sees a CRLF whole, so the line-at-a-time path is never taken.
        Random random = new Random(17);
        char[] alphabet = {'.', '\r', '\n', 'a', 'b', '\0'};
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String input = sb.append("\r\n.\r\nNEXT").toString();
            Run whole = new Run();
            int consumed = whole.decode(input);
            Run bytewise = new Run();
            int consumedBytewise = 0;
            for (int i = 0; i < input.length() && !bytewise.decoder.isDone(); i++) {
                consumedBytewise += bytewise.decode(input.substring(i, i + 1));
            }
            assertThat(consumed).as("%s", input).isEqualTo(consumedBytewise);
            assertThat(whole.body()).as("%s", input).isEqualTo(bytewise.body());
            assertThat(whole.decoder.isDone()).as("%s", input).isEqualTo(bytewise.decoder.isDone());
            assertThat(whole.decoder.sawLineTooLong()).isEqualTo(bytewise.decoder.sawLineTooLong());
            assertThat(whole.decoder.content().sawNul()).isEqualTo(bytewise.decoder.content().sawNul());
        }
    }

    @Test
    void runsOfManyLines_atAnySplit_decodeAsByteByByte() {
        // Mostly text lines ended by CRLF, so one call sees many whole lines, with here and there a
        // leading dot, a bare CR or LF, a NUL or a line over the limit inside or across a split.
        Random random = new Random(23);
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            int lines = random.nextInt(30);
            for (int l = 0; l < lines; l++) {
                int kind = random.nextInt(20);
                if (kind == 0) {
                    sb.append('.');
                }
                int length = kind == 1 ? 990 + random.nextInt(20) : random.nextInt(80);
                for (int i = 0; i < length; i++) {
                    sb.append((char) ('a' + random.nextInt(26)));
                }
                sb.append(switch (kind) {
                    case 2 -> "\n";
                    case 3 -> "\r";
                    case 4 -> "\0\r\n";
                    default -> "\r\n";
                });
            }
            String input = sb.append("\r\n.\r\nNEXT").toString();
            Run split = new Run();
            int consumed = 0;
            for (int at = 0; at < input.length() && !split.decoder.isDone(); ) {
                int to = Math.min(input.length(), at + 1 + random.nextInt(300));
                consumed += split.decode(input.substring(at, to));
                at = to;
            }
            Run bytewise = new Run();
            int consumedBytewise = 0;
            for (int i = 0; i < input.length() && !bytewise.decoder.isDone(); i++) {
                consumedBytewise += bytewise.decode(input.substring(i, i + 1));
            }
            assertThat(consumed).isEqualTo(consumedBytewise);
            assertThat(split.body()).isEqualTo(bytewise.body());
            assertThat(split.decoder.isDone()).isTrue();
            assertThat(split.decoder.sawLineTooLong()).isEqualTo(bytewise.decoder.sawLineTooLong());
            assertThat(split.decoder.content().sawNul()).isEqualTo(bytewise.decoder.content().sawNul());
        }
    }

    @Test
    void decodeAfterTheEnd_isAnError() {
        Run r = new Run();
        r.decode(".\r\n");
        assertThatThrownBy(() -> r.decode("x")).isInstanceOf(IllegalStateException.class);
    }
}
