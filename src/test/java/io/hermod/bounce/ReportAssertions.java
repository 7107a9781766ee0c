package io.hermod.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Checks of the wire form of a whole report that every test of it makes. */
final class ReportAssertions {

    private ReportAssertions() {
    }

    /** Every line ends in CRLF, no CR or LF stands alone, and no line is longer than {@code maxOctets}. */
    static void assertCrlfLinesWithin(byte[] message, int maxOctets) {
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r') {
                if (i + 1 >= message.length || message[i + 1] != '\n') {
                    fail("bare CR at octet " + i);
                }
                if (i - lineStart > maxOctets) {
                    fail("line at octet " + lineStart + " has " + (i - lineStart) + " octets");
                }
                i++;
                lineStart = i + 1;
            } else if (message[i] == '\n') {
                fail("bare LF at octet " + i);
            }
        }
        assertThat(lineStart).as("the message ends in CRLF").isEqualTo(message.length);
    }

    static void assertSevenBit(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] < 0) {
                fail("8-bit octet at " + i);
            }
        }
    }
}
