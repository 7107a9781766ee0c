package io.hermod.intake;

import java.io.ByteArrayOutputStream;

/**
 * The first {@code limit} octets of a message for the inbound domains, kept in memory for
 * {@link InboundMail#consume}; what comes after is counted, not kept.
 */
final class InboundCopy {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private final int limit;
    private boolean truncated;

    InboundCopy(int limit) {
        this.limit = limit;
    }

    void write(byte[] source, int offset, int count) {
        int keep = Math.max(0, Math.min(count, limit - bytes.size()));
        bytes.write(source, offset, keep);
        truncated |= keep < count;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    boolean truncated() {
        return truncated;
    }
}
