package io.hermod.intake;

import java.util.ArrayList;
import java.util.List;

/**
 * The open mail transaction: sender and parameters fixed by MAIL, recipients added by RCPT. Owned
 * by one session and discarded by RSET, HELO/EHLO and the end of DATA.
 */
final class Transaction {

    final String sender;
    final boolean eightBit;
    final boolean smtpUtf8;
    /** The SIZE the client declared at MAIL, or -1. */
    final long declaredSize;
    private final List<String> recipients = new ArrayList<>();
    private int rejected;

    Transaction(String sender, boolean eightBit, boolean smtpUtf8, long declaredSize) {
        this.sender = sender;
        this.eightBit = eightBit;
        this.smtpUtf8 = smtpUtf8;
        this.declaredSize = declaredSize;
    }

    void addRecipient(String address) {
        recipients.add(address);
    }

    void recipientRejected() {
        rejected++;
    }

    List<String> recipients() {
        return recipients;
    }

    boolean anyRecipientTried() {
        return !recipients.isEmpty() || rejected > 0;
    }
}
