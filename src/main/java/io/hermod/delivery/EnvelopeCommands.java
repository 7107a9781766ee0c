package io.hermod.delivery;

import io.hermod.smtp.Mailbox;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;

/** The envelope commands of a transaction, with the parameters the server's capabilities allow. */
final class EnvelopeCommands {

    private EnvelopeCommands() {
    }

    static String mailFrom(Envelope envelope, String reversePath, Capabilities caps) {
        StringBuilder sb = new StringBuilder(64).append("MAIL FROM:<").append(reversePath).append('>');
        if (caps.size()) {
            sb.append(" SIZE=").append(envelope.bodySize());
        }
        if (caps.eightBitMime() && envelope.eightBit()) {
            sb.append(" BODY=8BITMIME");
        }
        if (caps.smtpUtf8() && needsSmtpUtf8(envelope)) {
            sb.append(" SMTPUTF8");
        }
        return sb.append("\r\n").toString();
    }

    static String rcptTo(Recipient recipient) {
        return "RCPT TO:<" + recipient.address() + ">\r\n";
    }

    /** RFC 6531 is needed for non-ASCII addresses; a client's SMTPUTF8 flag on an ASCII envelope is not enough to bounce. */
    static boolean needsSmtpUtf8(Envelope envelope) {
        if (!envelope.smtpUtf8()) {
            return false;
        }
        if (!Mailbox.isAscii(envelope.sender())) {
            return true;
        }
        for (Recipient r : envelope.recipients()) {
            if (!Mailbox.isAscii(r.address())) {
                return true;
            }
        }
        return false;
    }
}
