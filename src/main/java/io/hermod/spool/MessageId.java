package io.hermod.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message's identity: 64 bits, milliseconds since the epoch in the upper 44 and a sequence in
 * the lower 20, so ids sort by arrival and are the spool's keys. Printed as 16 hex digits.
 */
public record MessageId(long value) implements Comparable<MessageId> {

    static final int SEQUENCE_BITS = 20;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    public static MessageId parse(String text) {
        if (text.length() != 16) {
            throw new IllegalArgumentException("a message id has 16 hex digits: " + text);
        }
        return new MessageId(Long.parseUnsignedLong(text, 16));
    }

    public static MessageId fromKey(byte[] key) {
        return new MessageId(ByteBuffer.wrap(key, 0, 8).getLong());
    }

    /** The millisecond the id was made in: about when its message arrived. */
    public long millis() {
        return value >>> SEQUENCE_BITS;
    }

    public byte[] toKey() {
        return ByteBuffer.allocate(8).putLong(value).array();
    }


    @Override
    public int compareTo(MessageId other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** 16 upper-case hex digits; by hand, since it is printed several times per message (String.format parsed its pattern each time). */
    @Override
    public String toString() {
        byte[] digits = new byte[16];
        long v = value;
        for (int i = 15; i >= 0; i--) {
            digits[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        return new String(digits, StandardCharsets.ISO_8859_1);
    }
}
