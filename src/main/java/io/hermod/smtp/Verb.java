package io.hermod.smtp;

import java.util.Locale;

/** The SMTP command verbs Hermod recognises; everything else is {@link #UNKNOWN}. */
public enum Verb {
    HELO, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, HELP, VRFY, EXPN,
    SEND, SOML, SAML, TURN, STARTTLS, AUTH, BDAT, UNKNOWN;

    public static Verb of(String word) {
        if (word.length() < 4 || word.length() > 8) {
            return UNKNOWN;
        }
        try {
            return valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
