package io.hermod.smtp;

/**
 * Character-level address grammar of RFC 5321 4.1.2 with the RFC 6531 extension: a non-ASCII
 * character counts as {@code atext} and as a label character. Whether non-ASCII is allowed in a
 * given transaction (the SMTPUTF8 parameter) is the caller's decision.
 */
public final class AddressSyntax {

    private AddressSyntax() {
    }

    public static boolean isLocalPart(String s) {
        if (s.isEmpty()) {
            return false;
        }
        return s.charAt(0) == '"' ? isQuotedString(s) : isDotString(s);
    }

    private static boolean isDotString(String s) {
        boolean atomStart = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    return false;
                }
                atomStart = true;
            } else if (isAtext(c)) {
                atomStart = false;
            } else {
                return false;
            }
        }
        return !atomStart;
    }

    private static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1 || s.charAt(i) < 32 || s.charAt(i) > 126) {
                    return false;
                }
            } else if (c == '"' || (c < 32) || c == 127) {
                return false;
            }
        }
        return true;
    }

    static boolean isAtext(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c > 127;
    }

    /** A dot-separated domain of letter-digit-hyphen labels (non-ASCII allowed for U-labels). */
    public static boolean isDomain(String s, boolean allowNonAscii) {
        if (s.isEmpty() || s.length() > 255) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (!isLabel(s, labelStart, i, allowNonAscii)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    private static boolean isLabel(String s, int from, int to, boolean allowNonAscii) {
        int length = to - from;
        if (length == 0 || length > 63 || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh && !(allowNonAscii && c > 127)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]} or a general literal {@code [tag:content]}. */
    public static boolean isAddressLiteral(String s) {
        if (s.length() < 3 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return false;
        }
        String inner = s.substring(1, s.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return isIpv6(inner.substring(5));
        }
        int colon = inner.indexOf(':');
        if (colon > 0) {
            // General-address-literal = Standardized-tag ":" 1*dcontent
            String content = inner.substring(colon + 1);
            return isLabel(inner, 0, colon, false) && !content.isEmpty()
                    && content.chars().allMatch(c -> c >= 33 && c <= 126 && c != '[' && c != ']' && c != '\\');
        }
        return isIpv4(inner);
    }

    /**
     * {@code [tag:content]} with a tag other than {@code IPv6}: RFC 5321 4.1.3 grammar, but IANA has
     * registered no other tag, so nothing says where such a mailbox is. A relay can only refuse it;
     * accepting it would mean retrying an address that no next hop can be found for.
     */
    public static boolean isGeneralAddressLiteral(String s) {
        return isAddressLiteral(s) && s.indexOf(':') > 0 && !s.regionMatches(true, 1, "IPv6:", 0, 5);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            // ASCII digits only: Character.isDigit and Integer.parseInt also take other scripts' digits.
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName("[" + s + "]") instanceof java.net.Inet6Address
                    || s.contains(":");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"). */
    public static boolean isEsmtpKeyword(String s) {
        if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) || s.charAt(0) > 127) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 under RFC 6531. */
    public static boolean isEsmtpValue(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c == '=' || c == 127) {
                return false;
            }
        }
        return true;
    }
}
