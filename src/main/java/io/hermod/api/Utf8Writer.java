package io.hermod.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * Encodes the {@code message} string to UTF-8 as the JSON parser hands it over in pieces. A
 * surrogate pair may be split between two pieces; an unpaired surrogate (JSON allows
 * {@code "\ud800"}) is not text and is refused rather than replaced by {@code ?}.
 */
final class Utf8Writer extends Writer {

    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int length;
    private char highSurrogate;

    Utf8Writer(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(char[] chars, int offset, int count) throws IOException {
        for (int i = offset; i < offset + count; i++) {
            if (length > buffer.length - 4) {
                drain();
            }
            encode(chars[i]);
        }
    }

    private void encode(char c) {
        if (highSurrogate != 0) {
            if (!Character.isLowSurrogate(c)) {
                throw unpaired();
            }
            int cp = Character.toCodePoint(highSurrogate, c);
            highSurrogate = 0;
            buffer[length++] = (byte) (0xf0 | cp >> 18);
            buffer[length++] = (byte) (0x80 | (cp >> 12 & 0x3f));
            buffer[length++] = (byte) (0x80 | (cp >> 6 & 0x3f));
            buffer[length++] = (byte) (0x80 | (cp & 0x3f));
        } else if (c < 0x80) {
            buffer[length++] = (byte) c;
        } else if (c < 0x800) {
            buffer[length++] = (byte) (0xc0 | c >> 6);
            buffer[length++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
            highSurrogate = c;
        } else if (Character.isLowSurrogate(c)) {
            throw unpaired();
        } else {
            buffer[length++] = (byte) (0xe0 | c >> 12);
            buffer[length++] = (byte) (0x80 | (c >> 6 & 0x3f));
            buffer[length++] = (byte) (0x80 | (c & 0x3f));
        }
    }

    private static ApiException unpaired() {
        return ApiException.badRequest("message: contains an unpaired surrogate (not valid Unicode)");
    }

    private void drain() throws IOException {
        if (length > 0) {
            out.write(buffer, 0, length);
            length = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
    }

    @Override
    public void close() throws IOException {
        if (highSurrogate != 0) {
            throw unpaired();
        }
        drain();
    }
}
