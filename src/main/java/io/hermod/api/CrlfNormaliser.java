package io.hermod.api;

import io.hermod.smtp.ContentScreen;
import io.hermod.smtp.DataDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * Gives an injected message the line endings SMTP intake gives a DATA stream (see
 * {@link DataDecoder}): CRLF stays, a bare CR or a bare LF becomes CRLF, and a last line without
 * a break gets one, so a stored body always ends with CRLF as every body received by SMTP does.
 * Enforces what SMTP enforces: lines of at most 998 octets, no NUL octet (400, as {@code 550 5.6.0}
 * would be), at most {@code smtp.max_hops} Received fields (400, as {@code 554 5.4.6} would be; the
 * one Hermod prepends is written past this normaliser and not counted), and the size limit (413).
 * Notes whether any octet has the high bit set (8BITMIME).
 */
final class CrlfNormaliser extends OutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CRLF = {CR, LF};

    private final OutputStream out;
    private final long limit;
    private final int maxHops;
    private final Supplier<ApiException> tooLarge;
    private final ContentScreen content = new ContentScreen();
    private long size;
    private int lineLength;
    private boolean pendingCr;
    private boolean eightBit;

    /**
     * @param limit    octets the normalised message may have ({@code smtp.max_message_size})
     * @param maxHops  Received header fields the message may have ({@code smtp.max_hops})
     * @param tooLarge what to throw as soon as the limit is passed
     */
    CrlfNormaliser(OutputStream out, long limit, int maxHops, Supplier<ApiException> tooLarge) {
        this.out = out;
        this.limit = limit;
        this.maxHops = maxHops;
        this.tooLarge = tooLarge;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] in, int offset, int count) throws IOException {
        int end = offset + count;
        int i = offset;
        while (i < end) {
            if (pendingCr) {
                pendingCr = false;
                lineBreak();
                if (in[i] == LF) {
                    i++;
                    continue;
                }
            }
            int runStart = i;
            while (i < end && in[i] != CR && in[i] != LF) {
                eightBit |= in[i] < 0;
                i++;
            }
            if (i > runStart) {
                text(in, runStart, i - runStart);
            }
            if (i < end) {
                if (in[i] == CR) {
                    pendingCr = true; // a CR is a line break either way; whether an LF follows decides nothing more
                } else {
                    lineBreak();
                }
                i++;
            }
        }
    }

    /** Ends the last line; call once after the last write. */
    void finish() throws IOException {
        if (pendingCr || lineLength > 0) {
            pendingCr = false;
            lineBreak();
        }
    }

    private void text(byte[] in, int offset, int count) throws IOException {
        lineLength += count;
        if (lineLength > DataDecoder.MAX_LINE_LENGTH) {
            throw ApiException.badRequest("message: a line is longer than " + DataDecoder.MAX_LINE_LENGTH
                    + " octets (RFC 5321 4.5.3.1.6)");
        }
        emit(in, offset, count);
    }

    private void lineBreak() throws IOException {
        lineLength = 0;
        emit(CRLF, 0, 2);
    }

    private void emit(byte[] bytes, int offset, int count) throws IOException {
        size += count;
        if (size > limit) {
            throw tooLarge.get();
        }
        // The screen sees the normalised octets, as it sees what SMTP's DataDecoder stores.
        content.scan(bytes, offset, count);
        if (content.sawNul()) {
            throw ApiException.badRequest("message: contains a NUL octet (RFC 5322 2.2)");
        }
        if (content.tooManyHops(maxHops)) {
            throw ApiException.badRequest("message: more than " + maxHops
                    + " Received header fields (smtp.max_hops): a mail loop (RFC 5321 6.3)");
        }
        out.write(bytes, offset, count);
    }

    /** Octets written so far, line breaks normalised. */
    long size() {
        return size;
    }

    boolean eightBit() {
        return eightBit;
    }
}
