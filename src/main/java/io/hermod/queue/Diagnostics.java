package io.hermod.queue;

/** Reading a recipient's result text ({@code "550 5.1.1 no such user"}) for its RFC 3463 status. */
final class Diagnostics {

    private Diagnostics() {
    }

    /** The enhanced status after the reply code, or {@code X.0.0} of the given class when there is none. */
    static String status(String detail, char defaultClass) {
        if (detail != null && detail.length() >= 9 && Character.isDigit(detail.charAt(0)) && detail.charAt(3) == ' ') {
            int end = detail.indexOf(' ', 4);
            String candidate = detail.substring(4, end < 0 ? detail.length() : end);
            if (candidate.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                return candidate;
            }
        }
        return defaultClass + ".0.0";
    }
}
