package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** UTF-8 encoding of the {@code message} string as the parser hands it over in pieces. */
class Utf8WriterTest {

    private static byte[] encode(String text, int split) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Writer writer = new Utf8Writer(out)) {
            char[] chars = text.toCharArray();
            writer.write(chars, 0, split);
            writer.write(chars, split, chars.length - split);
        }
        return out.toByteArray();
    }

    @Test
    void everySplit_givesTheSameBytesAsStringGetBytes() throws IOException {
        String text = "a\u00e9\u0800\uffff\ud83d\ude00z\u07ff\ud800\udc00";
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= text.length(); split++) {
            assertThat(encode(text, split)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void longText_crossesTheInternalBufferIntact() throws IOException {
        String text = "\u20ac\ud83d\ude00x".repeat(5000);
        assertThat(encode(text, 7777)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unpairedSurrogates_areRefusedWith400() {
        for (String text : new String[] {"a\ud800b", "a\udc00", "\ud83d", "\ude00\ud83d"}) {
            assertThatThrownBy(() -> encode(text, 1)).as(text)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("surrogate");
                    });
        }
    }
}
