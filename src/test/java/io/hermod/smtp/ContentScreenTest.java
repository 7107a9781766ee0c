package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NUL octets and the Received fields of the header section, found in every split of the content. */
class ContentScreenTest {

    /** Screens {@code content} in two pieces split at {@code split}. */
    private static ContentScreen screen(String content, int split) {
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        ContentScreen screen = new ContentScreen();
        screen.scan(bytes, 0, split);
        screen.scan(bytes, split, bytes.length - split);
        return screen;
    }

    /** The Received count, checked to be the same for every split and for one octet at a time. */
    private static int receivedFields(String content) {
        int whole = screen(content, 0).receivedFields();
        for (int split = 1; split <= content.length(); split++) {
            assertThat(screen(content, split).receivedFields()).as("split at %d", split).isEqualTo(whole);
        }
        ContentScreen byOctet = new ContentScreen();
        for (byte b : content.getBytes(StandardCharsets.ISO_8859_1)) {
            byOctet.scan(b);
        }
        assertThat(byOctet.receivedFields()).as("one octet at a time").isEqualTo(whole);
        return whole;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "first octet       | 0",
        "in a header       | 14",
        "in the body       | 30",
        "last octet        | 35",
    })
    void nul_isSeenWhereverItIs_inEverySplit(String where, int at) {
        StringBuilder content = new StringBuilder("Subject: a nul\r\n\r\nsome body text\r\n.");
        content.insert(at, '\0');
        for (int split = 0; split <= content.length(); split++) {
            assertThat(screen(content.toString(), split).sawNul()).as("split at %d", split).isTrue();
        }
    }

    @Test
    void contentWithoutNul_isClean_evenWithEveryOtherOctet() {
        byte[] all = new byte[255];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i + 1);
        }
        ContentScreen screen = new ContentScreen();
        screen.scan(all, 0, all.length);
        assertThat(screen.sawNul()).isFalse();
    }

    @Test
    void receivedFields_ofTheHeaderSection_areCountedWhateverTheCaseAndSplit() {
        assertThat(receivedFields("Received: a\r\nRECEIVED: b\r\n\tcontinued\r\nreceived:c\r\n"
                + "Subject: s\r\nReceived \t: obsolete space\r\n\r\nbody\r\n")).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "other field names  | X-Received: a\\r\\nReceived-SPF: pass\\r\\nReceivedx: b\\r\\nReceive: c\\r\\n",
        "continuation line  | Subject: s\\r\\n Received: folded in\\r\\n",
        "no colon           | Received\\r\\nReceived x: y\\r\\n",
        "in the body        | Subject: s\\r\\n\\r\\nReceived: quoted\\r\\nReceived: quoted\\r\\n",
        "after an empty top | \\r\\nReceived: body\\r\\n",
    })
    void linesThatAreNotReceivedFieldsOfTheHeader_areNotCounted(String scenario, String content) {
        assertThat(receivedFields(content.replace("\\r", "\r").replace("\\n", "\n"))).isZero();
    }

    @Test
    void tooManyHops_isMoreThanTheLimit() {
        ContentScreen screen = screen("Received: 1\r\nReceived: 2\r\n\r\n", 0);
        assertThat(screen.tooManyHops(2)).isFalse();
        assertThat(screen.tooManyHops(1)).isTrue();
    }
}
