package io.hermod.eventlog;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Encodes events as JSON lines, UTF-8, into one growing byte array that the writer hands to the
 * file in a single write. Hand-written rather than through JsonObject because encoding is the
 * writer thread's whole job: no map, no intermediate String, no reflection. EventEncodingBench
 * (1M events) measured about 0.35 us per event here against 2.2 us with JsonObject.encode().
 * Not thread-safe: only the writer thread uses it.
 */
final class EventJson {

    private static final byte[][] TYPE_PREFIX = new byte[EventType.values().length][];
    private static final byte[] NO_TYPE_PREFIX = ascii("{\"time\":\"");
    private static final byte[] ID = ascii(",\"id\":");
    private static final byte[] SENDER = ascii(",\"sender\":");
    private static final byte[] RECIPIENT = ascii(",\"recipient\":");
    private static final byte[] HOST = ascii(",\"host\":");
    private static final byte[] ADDRESS = ascii(",\"address\":");
    private static final byte[] CODE = ascii(",\"code\":");
    private static final byte[] ENHANCED = ascii(",\"enhanced\":");
    private static final byte[] TEXT = ascii(",\"text\":");
    private static final byte[] ATTEMPT = ascii(",\"attempt\":");
    private static final byte[] QUEUE_TIME = ascii(",\"queue_time_ms\":");
    private static final byte[] DETAIL = ascii(",\"detail\":");
    private static final byte[] CATEGORY = ascii(",\"category\":");
    private static final byte[] TENANT = ascii(",\"tenant\":");
    private static final byte[] CAMPAIGN = ascii(",\"campaign\":");
    private static final byte[] POOL = ascii(",\"pool\":");
    private static final byte[] OVERFLOW_PREFIX = ascii("{\"type\":\"EventLogOverflow\",\"time\":\"");
    private static final byte[] DROPPED = ascii(",\"dropped\":");
    private static final byte[] DROPPED_TOTAL = ascii(",\"dropped_total\":");
    private static final byte[] HEX = ascii("0123456789abcdef");

    static {
        for (EventType type : EventType.values()) {
            TYPE_PREFIX[type.ordinal()] = ascii("{\"type\":\"" + type.name() + "\",\"time\":\"");
        }
    }

    private static final int INITIAL = 64 * 1024;
    private static final int MAX_KEPT = 4 * 1024 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int len;
    /** "2026-11-23T07:01:02." for {@link #cachedSecond}: events arrive in bursts within one second. */
    private final byte[] secondPrefix = new byte[20];
    private long cachedSecond = Long.MIN_VALUE;

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    /** Empties the buffer for the next batch; gives back memory a batch of huge events took. */
    void reset() {
        len = 0;
        if (buf.length > MAX_KEPT) {
            buf = new byte[INITIAL];
        }
    }

    /** Appends one event as one line, ending in '\n'. */
    void event(Event e) {
        EventType type = e.type();
        raw(type == null ? NO_TYPE_PREFIX : TYPE_PREFIX[type.ordinal()]);
        time(e.timeMillis());
        string(ID, e.messageId());
        string(SENDER, e.sender());
        string(RECIPIENT, e.recipient());
        string(HOST, e.destinationHost());
        string(ADDRESS, e.destinationAddress());
        if (e.code() != 0) {
            number(CODE, e.code());
        }
        string(ENHANCED, e.enhancedCode());
        string(TEXT, e.text());
        if (e.attempt() != 0) {
            number(ATTEMPT, e.attempt());
        }
        // An operator action, a suppressed recipient or a report that came back has no queue time of its own.
        if (queued(type) || e.queueTimeMillis() != 0) {
            number(QUEUE_TIME, e.queueTimeMillis());
        }
        string(DETAIL, e.detail());
        string(CATEGORY, e.category());
        string(TENANT, e.tenant());
        string(CAMPAIGN, e.campaign());
        string(POOL, e.pool());
        endLine();
    }

    /** Whether events of this type are about a message that sat in the queue (and so have a queue time). */
    private static boolean queued(EventType type) {
        return switch (type == null ? EventType.Reception : type) {
            case AdminAction, Suppressed, OOB, Feedback, Unparsed -> false;
            default -> true;
        };
    }

    /** Appends the line that says {@code dropped} events were lost since the last such line. */
    void overflow(long timeMillis, long dropped, long droppedTotal) {
        raw(OVERFLOW_PREFIX);
        time(timeMillis);
        number(DROPPED, dropped);
        number(DROPPED_TOTAL, droppedTotal);
        endLine();
    }

    private void endLine() {
        ensure(2);
        buf[len++] = '}';
        buf[len++] = '\n';
    }

    /** ISO-8601 UTC with milliseconds always present, so every line's time has the same width. */
    private void time(long millis) {
        long second = Math.floorDiv(millis, 1000);
        int milli = (int) Math.floorMod(millis, 1000);
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            String prefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
            if (prefix.length() != secondPrefix.length) {
                raw(ascii(prefix)); // a year beyond 9999 or before 0: not worth a cache
                threeDigits(milli);
                return;
            }
            System.arraycopy(ascii(prefix), 0, secondPrefix, 0, secondPrefix.length);
            cachedSecond = second;
        }
        raw(secondPrefix);
        threeDigits(milli);
    }

    private void threeDigits(int milli) {
        ensure(5);
        buf[len++] = (byte) ('0' + milli / 100);
        buf[len++] = (byte) ('0' + milli / 10 % 10);
        buf[len++] = (byte) ('0' + milli % 10);
        buf[len++] = 'Z';
        buf[len++] = '"';
    }

    private void number(byte[] name, long value) {
        raw(name);
        if (value == Long.MIN_VALUE) {
            raw(ascii(Long.toString(value)));
            return;
        }
        ensure(20);
        if (value < 0) {
            buf[len++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len += digits;
    }

    /** Writes {@code name} and the quoted value, or nothing when the value is null (not applicable). */
    private void string(byte[] name, String value) {
        if (value == null) {
            return;
        }
        raw(name);
        int n = value.length();
        ensure(n * 6 + 2); // worst case: every char becomes a six-byte escape
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b[p++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                b[p++] = '\\';
                b[p++] = (byte) c;
            } else if (c == '\n') {
                b[p++] = '\\';
                b[p++] = 'n';
            } else if (c == '\r') {
                b[p++] = '\\';
                b[p++] = 'r';
            } else if (c == '\t') {
                b[p++] = '\\';
                b[p++] = 't';
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                // Control characters, DEL, and the line and paragraph separators that JavaScript
                // readers and some terminals and log shippers treat as line ends.
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = HEX[c >> 12];
                b[p++] = HEX[(c >> 8) & 0xf];
                b[p++] = HEX[(c >> 4) & 0xf];
                b[p++] = HEX[c & 0xf];
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3f);
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xe0 | c >> 12);
                b[p++] = (byte) (0x80 | (c >> 6) & 0x3f);
                b[p++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[p++] = (byte) (0xf0 | cp >> 18);
                b[p++] = (byte) (0x80 | (cp >> 12) & 0x3f);
                b[p++] = (byte) (0x80 | (cp >> 6) & 0x3f);
                b[p++] = (byte) (0x80 | cp & 0x3f);
            } else {
                // A lone surrogate has no UTF-8 form; U+FFFD keeps the file valid UTF-8.
                b[p++] = (byte) 0xef;
                b[p++] = (byte) 0xbf;
                b[p++] = (byte) 0xbd;
            }
        }
        b[p++] = '"';
        len = p;
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int more) {
        if (buf.length - len < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
