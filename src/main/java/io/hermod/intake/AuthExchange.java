package io.hermod.intake;

import io.hermod.smtp.Replies;
import io.hermod.smtp.Reply;
import io.hermod.smtp.Sasl;
import io.hermod.smtp.Sasl.Credentials;
import io.hermod.smtp.Sasl.SaslException;
import java.util.Locale;

/**
 * One SASL exchange after {@code AUTH} (RFC 4954): PLAIN, with the message as initial response or
 * after an empty 334, and LOGIN, user name and password each after its own 334 (the user name may
 * come as initial response). Each client line yields the next step: another challenge, the
 * credentials to check, or a reply that ends the exchange.
 */
final class AuthExchange {

    /** What the session does next. */
    sealed interface Step permits Challenge, Check, Refuse {
    }

    /** Send this 334 and feed the client's next line to {@link #respond}. */
    record Challenge(Reply reply) implements Step {
    }

    /** Check these credentials. */
    record Check(Credentials credentials) implements Step {
    }

    /** The exchange is over: send this reply. */
    record Refuse(Reply reply) implements Step {
    }

    private enum Mechanism { PLAIN, LOGIN }

    private Mechanism mechanism;
    private String loginUser;

    /** {@code argument} is the AUTH command's: the mechanism and maybe an initial response. */
    Step start(String argument) {
        String[] words = argument.split(" ", -1);
        if (argument.isEmpty() || words.length > 2) {
            return new Refuse(Replies.SYNTAX_ARGUMENTS);
        }
        try {
            mechanism = Mechanism.valueOf(words[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Refuse(Replies.AUTH_UNKNOWN_MECHANISM);
        }
        if (words.length == 1) {
            return new Challenge(mechanism == Mechanism.PLAIN ? Sasl.PLAIN_CHALLENGE : Sasl.LOGIN_USERNAME);
        }
        return respond(words[1]);
    }

    /** The client's answer to the last challenge (or the initial response). */
    Step respond(String line) {
        if (line.equals(Sasl.CANCEL)) {
            return new Refuse(Replies.AUTH_CANCELLED);
        }
        try {
            byte[] message = Sasl.decode(line);
            if (mechanism == Mechanism.PLAIN) {
                return new Check(Sasl.plain(message));
            }
            if (loginUser == null) {
                loginUser = Sasl.text(message);
                return new Challenge(Sasl.LOGIN_PASSWORD);
            }
            return new Check(new Credentials(loginUser, Sasl.text(message)));
        } catch (SaslException e) {
            return new Refuse(e.reply());
        }
    }
}
