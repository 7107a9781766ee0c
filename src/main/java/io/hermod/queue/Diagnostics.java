package io.hermod.queue;

import io.hermod.smtp.EnhancedStatus;

/**
 * Reading a recipient's result text ({@code "550 5.1.1 no such user"}, or Hermod's own reason such
 * as {@code "lost connection with ... while ..."}) for its reply code and RFC 3463 status.
 */
final class Diagnostics {

    private Diagnostics() {
    }

    /** The reply code the text starts with, or 0 when it is not a server reply. */
    static int code(String detail) {
        if (detail == null || detail.length() < 4 || (detail.charAt(3) != ' ' && detail.charAt(3) != '-')) {
            return 0;
        }
        for (int i = 0; i < 3; i++) {
            if (detail.charAt(i) < '0' || detail.charAt(i) > '9') {
                return 0;
            }
        }
        int code = Integer.parseInt(detail.substring(0, 3));
        return code >= 200 && code <= 599 ? code : 0;
    }

    /** The enhanced status after the reply code, or null when there is none. */
    static String enhanced(String detail) {
        if (code(detail) == 0) {
            return null;
        }
        EnhancedStatus status = EnhancedStatus.leading(detail.substring(4), detail.charAt(0) - '0');
        return status == null ? null : status.toString();
    }

    /** The enhanced status, or {@code X.0.0} of the given class when there is none. */
    static String status(String detail, char defaultClass) {
        String enhanced = enhanced(detail);
        return enhanced != null ? enhanced : defaultClass + ".0.0";
    }
}
