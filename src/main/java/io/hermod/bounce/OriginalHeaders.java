package io.hermod.bounce;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** The original message's header section: finding it in a stored message, and making it fit a report. */
final class OriginalHeaders {

    private OriginalHeaders() {
    }

    /**
     * The bytes before the first empty line (the last header line's line ending included), or the
     * whole message when it has none; cut to {@code maxBytes} at the end of the last whole line that
     * fits, or at {@code maxBytes} itself when not even the first line does.
     */
    static byte[] section(byte[] message, int maxBytes) {
        if (message == null || maxBytes <= 0) {
            return new byte[0];
        }
        int end = message.length;
        int lastLineEnd = 0;
        int lineStart = 0;
        while (lineStart < message.length) {
            int lf = indexOf(message, (byte) '\n', lineStart);
            int contentEnd = lf < 0 ? message.length : lf;
            if (contentEnd > lineStart && message[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            if (contentEnd == lineStart && lf >= 0) {
                end = lineStart;
                break;
            }
            if (lf < 0) {
                break;
            }
            lineStart = lf + 1;
            if (lineStart <= maxBytes) {
                lastLineEnd = lineStart;
            } else {
                break;
            }
        }
        if (end <= maxBytes) {
            return Arrays.copyOf(message, end);
        }
        return Arrays.copyOf(message, lastLineEnd > 0 ? lastLineEnd : maxBytes);
    }

    /**
     * The section as the third part carries it: every line ending CRLF (a bare CR or LF becomes
     * one), a line longer than 998 octets folded, NUL octets dropped, and a final CRLF when the
     * caller's cut left the last line open. Everything else is copied octet for octet.
     */
    static byte[] forReport(byte[] headers) {
        if (headers == null || headers.length == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(headers.length + 64);
        int lineLength = 0;
        for (int i = 0; i < headers.length; i++) {
            byte b = headers[i];
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
                lineLength = 0;
                if (b == '\r' && i + 1 < headers.length && headers[i + 1] == '\n') {
                    i++;
                }
            } else if (b != 0) {
                if (lineLength == FieldText.HARD_LIMIT) {
                    // A fold, so the rest stays part of the same header field.
                    out.write('\r');
                    out.write('\n');
                    out.write(' ');
                    lineLength = 1;
                }
                out.write(b);
                lineLength++;
            }
        }
        if (lineLength > 0) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    static boolean hasEightBit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
