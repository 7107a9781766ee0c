package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderFilterTest {

    private static final class Sink implements DataDecoder.Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(byte b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            bytes.write(source, offset, length);
        }

        String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    /** Feeds {@code message} split at {@code split} (and byte by byte when split is 0); returns {output, value}. */
    private static String[] run(String message, int split) {
        Sink sink = new Sink();
        HeaderFilter f = new HeaderFilter(sink, HeaderFilter.POOL_FIELD);
        byte[] in = message.getBytes(StandardCharsets.US_ASCII);
        if (split == 0) {
            for (byte b : in) {
                f.write(b);
            }
        } else {
            f.write(in, 0, split);
            f.write(in, split, in.length - split);
        }
        f.finish();
        return new String[] {sink.text(), f.value()};
    }

    private static void assertEverySplit(String message, String expectedOut, String expectedValue) {
        for (int split = 0; split <= message.length(); split++) {
            String[] r = run(message, split);
            assertThat(r[0]).as("split at %d", split).isEqualTo(expectedOut);
            assertThat(r[1]).as("split at %d", split).isEqualTo(expectedValue);
        }
    }

    @Test
    void thePoolFieldIsTakenOut_withItsFoldedLines_andTheRestIsUntouched() {
        assertEverySplit("From: a@example.com\r\nX-Hermod-Pool: bulk\r\nSubject: hi\r\n there\r\n\r\nX-Hermod-Pool: body\r\n",
                "From: a@example.com\r\nSubject: hi\r\n there\r\n\r\nX-Hermod-Pool: body\r\n", "bulk");
        assertEverySplit("x-hermod-pool:\r\n  marketing \r\nTo: b@example.com\r\n\r\nbody\r\n",
                "To: b@example.com\r\n\r\nbody\r\n", "marketing");
    }

    @Test
    void aMessageWithoutTheField_passesUnchanged_andHasNoValue() {
        String m = "X-Hermod-Poolside: no\r\nReceived: x\r\n\r\n\r\nX-Hermod-Pool: in body\r\n";
        assertEverySplit(m, m, null);
    }

    @Test
    void aMessageThatIsAllHeader_keepsItsLastField() {
        assertEverySplit("Subject: a\r\nX-Hermod-Pool: p1\r\n", "Subject: a\r\n", "p1");
        assertEverySplit("X-Hermod-Pool: p1\r\nSubject: a\r\n", "Subject: a\r\n", "p1");
    }

    @Test
    void aVeryLongFieldPassesAsItIs() {
        String longValue = "v".repeat(HeaderFilter.MAX_FIELD + 10);
        String m = "X-Long: " + longValue + "\r\n more\r\nX-Hermod-Pool: p\r\n\r\nb\r\n";
        String[] r = run(m, 0);
        assertThat(r[0]).isEqualTo("X-Long: " + longValue + "\r\n more\r\n\r\nb\r\n");
        assertThat(r[1]).isEqualTo("p");
        assertEverySplit(m, "X-Long: " + longValue + "\r\n more\r\n\r\nb\r\n", "p");
    }
}
