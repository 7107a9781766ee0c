package io.hermod.smtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds bytes in a body eight at a time: the loops that look for line breaks (and NUL) in every
 * message read and sent were the top of the CPU profile at 100 KB, one byte per iteration.
 * Each long is tested with the "has a zero byte" bit trick on its XOR with the wanted byte; the
 * lowest flagged byte is always a real match (a false flag can only sit above a real one).
 */
final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';

    private ByteScan() {
    }

    /** The index of the first {@code b} in {@code [from, to)}, or {@code to}. */
    static int indexOf(byte[] a, int from, int to, byte b) {
        long pattern = ONES * (b & 0xff);
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long flags = zeroBytes((long) LONGS.get(a, i) ^ pattern);
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return to;
    }

    /** The index of the first CR or LF in {@code [from, to)}, or {@code to}. */
    static int indexOfLineBreak(byte[] a, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(a, i);
            long flags = zeroBytes(word ^ CRS) | zeroBytes(word ^ LFS);
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == '\r' || a[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /** High bit set in each byte that is zero (and possibly in bytes above the first zero). */
    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
