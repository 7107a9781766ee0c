package io.hermod.intake;

import java.util.ArrayList;
import java.util.List;

/**
 * The open mail transaction: sender and parameters fixed by MAIL, recipients added by RCPT (those
 * to be relayed, and those at an inbound domain, consumed). Owned by one session and discarded by
 * RSET, HELO/EHLO and the end of DATA.
 */
final class Transaction {

    final String sender;
    final boolean eightBit;
    final boolean smtpUtf8;
    /** The SIZE the client declared at MAIL, or -1. */
    final long declaredSize;
    private final List<String> recipients = new ArrayList<>();
    private final List<String> inbound = new ArrayList<>();
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

    void addInbound(String address) {
        inbound.add(address);
    }

    void recipientRejected() {
        rejected++;
    }

    List<String> recipients() {
        return recipients;
    }

    /** The recipients at inbound domains. */
    List<String> inbound() {
        return inbound;
    }

    /** Relayed and inbound recipients together. */
    int recipientCount() {
        return recipients.size() + inbound.size();
    }

    /** Every recipient, relayed first. */
    List<String> allRecipients() {
        if (inbound.isEmpty()) {
            return recipients;
        }
        List<String> all = new ArrayList<>(recipients);
        all.addAll(inbound);
        return all;
    }

    boolean anyRecipientTried() {
        return recipientCount() > 0 || rejected > 0;
    }
}
