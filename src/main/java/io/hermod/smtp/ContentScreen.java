package io.hermod.smtp;

/**
 * Watches a message's content stream by, in any split, for what refuses a message whatever its
 * size: a NUL octet, and the {@code Received:} header fields that RFC 5321 6.3 counts to detect
 * a mail loop. SMTP intake ({@link DataDecoder}) and HTTP injection feed it the same bytes they
 * store, so both doors apply one rule.
 *
 * <p><b>NUL.</b> RFC 5321 2.3.8 and RFC 5322 2.2 leave no room for NUL in a message, and a next
 * hop that silently drops NULs reads {@code CRLF NUL . CRLF} as the end of data: passing one on
 * would let a client smuggle commands through Hermod.
 *
 * <p><b>Received.</b> Only fields of the header section count, up to the first empty line; the
 * field name is case-insensitive and may be followed by white space before the colon (RFC 5322
 * 4.5 obsolete syntax). Continuation lines, {@code X-Received:} and {@code Received-SPF:} do not
 * count. The body is never looked at for this, so a bounce quoting a long trace is not a loop.
 *
 * <p>The content must have CRLF line endings, as both doors store it; a CR is otherwise ignored.
 */
public final class ContentScreen {

    private static final byte[] RECEIVED = {'r', 'e', 'c', 'e', 'i', 'v', 'e', 'd'};

    /** Where the current header line is, as far as "is it a Received field?" goes. */
    private enum Line { START, NAME, BEFORE_COLON, OTHER }

    private boolean inHeader = true;
    private Line line = Line.START;
    private int matched;
    private int receivedFields;
    private boolean nul;

    public void scan(byte b) {
        if (b == 0) {
            nul = true;
        }
        if (inHeader) {
            header(b);
        }
    }

    public void scan(byte[] in, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (inHeader && i < end) {
            scan(in[i++]);
        }
        // The body: only a NUL is of interest, and only until the first.
        if (!nul && i < end) {
            nul = ByteScan.indexOf(in, i, end, (byte) 0) < end;
        }
    }

    private void header(byte b) {
        if (b == '\n') {
            inHeader = line != Line.START; // an empty line ends the header section
            line = Line.START;
            matched = 0;
            return;
        }
        if (b == '\r') {
            return;
        }
        switch (line) {
            case START, NAME -> {
                if (lower(b) == RECEIVED[matched]) {
                    matched++;
                    line = matched == RECEIVED.length ? Line.BEFORE_COLON : Line.NAME;
                } else {
                    line = Line.OTHER; // another field, or a continuation line
                }
            }
            case BEFORE_COLON -> {
                if (b == ':') {
                    receivedFields++;
                    line = Line.OTHER;
                } else if (b != ' ' && b != '\t') {
                    line = Line.OTHER;
                }
            }
            case OTHER -> {
            }
        }
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** Whether any octet so far was NUL. */
    public boolean sawNul() {
        return nul;
    }

    /** {@code Received:} fields in the header section so far. */
    public int receivedFields() {
        return receivedFields;
    }

    /**
     * Whether the message arrived with more than {@code maxHops} Received fields (RFC 5321 6.3).
     * The field Hermod prepends is not part of the content screened, so a message that arrives
     * with exactly {@code maxHops} passes and leaves with one more: the limit is on the hops the
     * message made before it reached us, as {@code smtp.max_hops} is documented. (Postfix's cleanup
     * also counts the field its own smtpd added and refuses at {@code hopcount_limit}, one fewer.)
     */
    public boolean tooManyHops(int maxHops) {
        return receivedFields > maxHops;
    }
}
