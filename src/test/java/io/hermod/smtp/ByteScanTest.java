package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time searches against plain loops, at every offset and length, and the stuffing built on them. */
class ByteScanTest {

    private static final byte[] ALPHABET = {'\r', '\n', '.', 0, 'a', (byte) 0x8d, (byte) 0x8a, (byte) 0xff, 0x0c, 0x0b};

    private static byte[] random(Random random, int length) {
        byte[] a = new byte[length];
        for (int i = 0; i < length; i++) {
            a[i] = random.nextInt(4) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (byte) random.nextInt(256);
        }
        return a;
    }

    @Test
    void findsTheFirstMatch_asAPlainLoopDoes_atEveryOffsetAndLength() {
        Random random = new Random(5);
        for (int round = 0; round < 300; round++) {
            byte[] a = random(random, random.nextInt(40));
            for (int from = 0; from <= a.length; from++) {
                for (int to = from; to <= a.length; to++) {
                    for (byte b : new byte[] {0, '\n', '.', (byte) 0x80, (byte) 0xff}) {
                        int expected = to;
                        for (int i = from; i < to; i++) {
                            if (a[i] == b) {
                                expected = i;
                                break;
                            }
                        }
                        assertThat(ByteScan.indexOf(a, from, to, b)).isEqualTo(expected);
                    }
                    int expected = to;
                    for (int i = from; i < to; i++) {
                        if (a[i] == '\r' || a[i] == '\n') {
                            expected = i;
                            break;
                        }
                    }
                    assertThat(ByteScan.indexOfLineBreak(a, from, to)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void stuffing_isThatOfAByteByByteLoop_forAnyBodyAndSplit() {
        Random random = new Random(9);
        for (int round = 0; round < 3000; round++) {
            byte[] body = random(random, random.nextInt(60));
            boolean atLineStart = random.nextBoolean();
            int from = body.length == 0 ? 0 : random.nextInt(body.length);
            int length = body.length - from;
            ByteArrayOutputStream stuffed = new ByteArrayOutputStream();
            boolean lineStart = DotStuffing.stuff(body, from, length, atLineStart, stuffed::write);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            boolean expectedLineStart = atLineStart;
            for (int i = from; i < from + length; i++) {
                if (expectedLineStart && body[i] == '.') {
                    expected.write('.');
                }
                expected.write(body[i]);
                expectedLineStart = body[i] == '\n';
            }
            assertThat(stuffed.toByteArray()).isEqualTo(expected.toByteArray());
            assertThat(lineStart).isEqualTo(expectedLineStart);
        }
    }
}
