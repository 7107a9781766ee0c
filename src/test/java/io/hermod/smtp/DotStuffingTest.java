package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Outbound DATA transparency, whole and across chunk boundaries, and its round trip through the decoder. */
class DotStuffingTest {

    private static String stuffWhole(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        boolean atLineStart = DotStuffing.stuff(bytes, 0, bytes.length, true, out::write);
        DotStuffing.terminate(atLineStart, out::write);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String stuffInChunks(String body, int... splits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        boolean atLineStart = true;
        int from = 0;
        for (int split : splits) {
            atLineStart = DotStuffing.stuff(bytes, from, split - from, atLineStart, out::write);
            from = split;
        }
        atLineStart = DotStuffing.stuff(bytes, from, bytes.length - from, atLineStart, out::write);
        DotStuffing.terminate(atLineStart, out::write);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void lineStartingWithDot_getsAnExtraDot() {
        assertThat(stuffWhole("a\r\n.b\r\n..c\r\n.\r\n")).isEqualTo("a\r\n..b\r\n...c\r\n..\r\n.\r\n");
    }

    @Test
    void dotOnTheFirstLine_isStuffed() {
        assertThat(stuffWhole(".hidden\r\n")).isEqualTo("..hidden\r\n.\r\n");
    }

    @Test
    void dotInsideALine_isLeftAlone() {
        assertThat(stuffWhole("a.b .\r\n")).isEqualTo("a.b .\r\n.\r\n");
    }

    @Test
    void bodyEndingInCrlf_getsOnlyTheTerminator() {
        assertThat(stuffWhole("hello\r\n")).isEqualTo("hello\r\n.\r\n");
    }

    @Test
    void bodyNotEndingInCrlf_getsCrlfBeforeTheTerminator() {
        assertThat(stuffWhole("hello")).isEqualTo("hello\r\n.\r\n");
    }

    @Test
    void emptyBody_isTheTerminatorAlone() {
        assertThat(stuffWhole("")).isEqualTo(".\r\n");
    }

    @Test
    void dotAfterAChunkBoundaryAtLineStart_isStuffed() {
        String body = "one\r\n.two\r\n";
        assertThat(stuffInChunks(body, 5)).isEqualTo("one\r\n..two\r\n.\r\n");
    }

    @Test
    void everySplitOfTheBody_givesTheSameBytes() {
        String body = ".a\r\n..b\r\nc.\r\n.\r\nd\r\n.";
        String expected = stuffWhole(body);
        assertThat(expected).isEqualTo("..a\r\n...b\r\nc.\r\n..\r\nd\r\n..\r\n.\r\n");
        for (int i = 0; i <= body.length(); i++) {
            for (int j = i; j <= body.length(); j++) {
                assertThat(stuffInChunks(body, i, j)).as("splits %d, %d", i, j).isEqualTo(expected);
            }
        }
    }

    @Test
    void stuffedBody_decodesBackToTheOriginal() {
        String body = ".\r\n..\r\n.x\r\nplain\r\n\r\n. \r\n";
        byte[] wire = stuffWhole(body).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(new DataDecoder.Output() {
            @Override
            public void write(byte b) {
                decoded.write(b);
            }

            @Override
            public void write(byte[] source, int offset, int length) {
                decoded.write(source, offset, length);
            }
        });

        assertThat(decoder.decode(wire, 0, wire.length)).isEqualTo(wire.length);
        assertThat(decoder.isDone()).isTrue();
        assertThat(decoded.toString(StandardCharsets.ISO_8859_1)).isEqualTo(body);
    }
}
