package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.smtp.DataDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Line endings and limits of an injected message, fed in every split. */
class CrlfNormaliserTest {

    private static final ApiException TOO_LARGE = new ApiException(413, "too large");
    private static final Supplier<ApiException> LIMIT = () -> TOO_LARGE;
    private static final int MAX_HOPS = 3;

    /** Normalises {@code input} written in two pieces split at {@code split}. */
    private static String normalise(String input, int split, long limit) throws IOException {
        byte[] in = input.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrlfNormaliser n = new CrlfNormaliser(out, limit, MAX_HOPS, LIMIT);
        n.write(in, 0, split);
        n.write(in, split, in.length - split);
        n.finish();
        assertThat(n.size()).isEqualTo(out.size());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String normaliseEverySplit(String input) throws IOException {
        String whole = normalise(input, 0, Long.MAX_VALUE);
        for (int split = 1; split <= input.length(); split++) {
            assertThat(normalise(input, split, Long.MAX_VALUE)).as("split at %d", split).isEqualTo(whole);
        }
        return whole;
    }

    private static String visible(String s) {
        return s.replace("\r", "<CR>").replace("\n", "<LF>");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "a<CR><LF>b<CR><LF>, a<CR><LF>b<CR><LF>",
        "a<LF>b<LF>, a<CR><LF>b<CR><LF>",
        "a<CR>b<CR>, a<CR><LF>b<CR><LF>",
        "a<CR><CR><LF>b, a<CR><LF><CR><LF>b<CR><LF>",
        "a<LF><CR>b, a<CR><LF><CR><LF>b<CR><LF>",
        "<LF>.<CR><LF>, <CR><LF>.<CR><LF>",
        "..dots stay, ..dots stay<CR><LF>",
        "no break at the end, no break at the end<CR><LF>",
        "ends in bare CR<CR>, ends in bare CR<CR><LF>",
        "<CR><LF>, <CR><LF>",
    })
    void lineEndings_becomeCrlf_andTheLastLineIsEnded(String input, String expected) throws IOException {
        String in = input.replace("<CR>", "\r").replace("<LF>", "\n");
        assertThat(visible(normaliseEverySplit(in))).isEqualTo(expected);
    }

    @Test
    void emptyInput_staysEmpty() throws IOException {
        assertThat(normalise("", 0, 10)).isEmpty();
    }

    @Test
    void result_isWhatSmtpIntakeStoresForTheSameText() throws IOException {
        Random random = new Random(42);
        char[] alphabet = {'a', 'b', '\r', '\n', '\u00e9', ' '};
        for (int round = 0; round < 5000; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            // Ending in CRLF, so that an SMTP client sends the text followed by the final dot as is.
            String text = sb.append("\r\n").toString();
            String ours = normalise(text, random.nextInt(text.length() + 1), Long.MAX_VALUE);
            assertThat(visible(ours)).as("input %s", visible(text)).isEqualTo(visible(viaDataDecoder(text)));
        }
    }

    /** What SMTP intake stores for {@code text} (which ends in CRLF) sent as DATA with the final dot. */
    private static String viaDataDecoder(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(new DataDecoder.Output() {
            @Override
            public void write(byte b) {
                out.write(b);
            }

            @Override
            public void write(byte[] source, int offset, int length) {
                out.write(source, offset, length);
            }
        });
        byte[] in = (text + ".\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(decoder.decode(in, 0, in.length)).isEqualTo(in.length);
        assertThat(decoder.isDone()).isTrue();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void lineOf998Octets_passes_999_isRefusedWith400() throws IOException {
        assertThat(normalise("x".repeat(998) + "\n", 500, Long.MAX_VALUE)).hasSize(1000);
        for (int split : new int[] {0, 500, 998, 999}) {
            assertThatThrownBy(() -> normalise("x".repeat(999) + "\n", split, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("998");
                    });
        }
    }

    @Test
    void lineLength_restartsAfterEveryKindOfBreak() throws IOException {
        String line = "y".repeat(998);
        assertThat(normalise(line + "\r" + line + "\n" + line + "\r\n" + line, 1500, Long.MAX_VALUE))
                .hasSize(4 * 1000);
    }

    private static void assertRefusedAtEverySplit(String input, String reason) {
        for (int split = 0; split <= input.length(); split++) {
            int at = split;
            assertThatThrownBy(() -> normalise(input, at, Long.MAX_VALUE)).as("split at %d", at)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains(reason);
                    });
        }
    }

    @Test
    void nulOctet_isRefusedWith400() {
        assertRefusedAtEverySplit("Subject: x\r\n\r\ntext\r\n\0.\r\nMAIL FROM:<e@example.net>\r\n", "NUL");
    }

    @Test
    void receivedFieldsBrokenByBareCrOrLf_countAsSmtpCountsThem() throws IOException {
        String three = "Received: a\nreceived : b\rRECEIVED:c\r\n continued\r\nX-Received: d\n";
        assertThat(normaliseEverySplit(three + "\nReceived: in the body\n")).startsWith("Received: a\r\n");
        assertRefusedAtEverySplit(three + "Received: e\n\nbody\n", "smtp.max_hops");
    }

    @Test
    void sizeLimit_countsNormalisedOctets() throws IOException {
        assertThat(normalise("abc\n", 2, 5)).isEqualTo("abc\r\n");
        assertThatThrownBy(() -> normalise("abc\n", 2, 4)).isSameAs(TOO_LARGE);
        assertThatThrownBy(() -> normalise("abcd", 2, 5)).as("the added final CRLF counts").isSameAs(TOO_LARGE);
    }

    @Test
    void eightBit_isSeenOnlyWhenAHighOctetIsPresent() throws IOException {
        CrlfNormaliser seven = new CrlfNormaliser(new ByteArrayOutputStream(), 100, MAX_HOPS, LIMIT);
        seven.write("plain\r\ntext\u007f".getBytes(StandardCharsets.ISO_8859_1));
        CrlfNormaliser eight = new CrlfNormaliser(new ByteArrayOutputStream(), 100, MAX_HOPS, LIMIT);
        eight.write("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(seven.eightBit()).isFalse();
        assertThat(eight.eightBit()).isTrue();
    }
}
