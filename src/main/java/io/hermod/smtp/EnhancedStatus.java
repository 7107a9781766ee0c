package io.hermod.smtp;

/** An RFC 3463 enhanced mail system status code, {@code class.subject.detail}. */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    public EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("status class must be 2, 4 or 5: " + statusClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("subject and detail must be 0..999");
        }
    }

    public static EnhancedStatus of(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not an enhanced status code: " + text);
        }
        return new EnhancedStatus(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    /**
     * The enhanced code that starts {@code text} ({@code "5.1.1 no such user"}) when it is of
     * {@code statusClass}, else null. Hand-written rather than a regex: it runs for every reply.
     */
    public static EnhancedStatus leading(String text, int statusClass) {
        int end = text.indexOf(' ');
        end = end < 0 ? text.length() : end;
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            return null; // a 3xx reply (354) has no enhanced code of its own class
        }
        if (end < 5 || text.charAt(0) - '0' != statusClass || text.charAt(1) != '.') {
            return null;
        }
        int dot = text.indexOf('.', 2);
        if (dot < 0 || dot >= end) {
            return null;
        }
        int subject = digits(text, 2, dot);
        int detail = digits(text, dot + 1, end);
        return subject < 0 || detail < 0 ? null : new EnhancedStatus(statusClass, subject, detail);
    }

    /** The value of 1 to 3 ASCII digits in {@code text[from, to)}, or -1. */
    private static int digits(String text, int from, int to) {
        if (to - from < 1 || to - from > 3) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }

    /** The length of {@link #toString()}, without building it. */
    int printedLength() {
        return 3 + digits(subject) + digits(detail);
    }

    private static int digits(int value) {
        return value < 10 ? 1 : value < 100 ? 2 : 3;
    }
}
