package io.hermod.delivery;

import io.hermod.spool.Envelope;
import java.util.List;

/**
 * The reverse-path of an outbound transaction: the envelope's sender, or (with
 * {@code delivery.return_path}) an address that encodes the message and, when the transaction
 * carries one recipient, that recipient, so that a bounce arriving later can be matched. The
 * spool keeps the original sender either way; a null sender {@code <>} is never rewritten.
 */
@FunctionalInterface
public interface ReturnPath {

    /** The envelope's own sender. */
    ReturnPath ENVELOPE = (envelope, recipients) -> envelope.sender();

    /**
     * @param recipients indexes into {@code envelope.recipients()} of the RCPTs this transaction sends
     * @return the address without angle brackets; empty for the null sender
     */
    String reversePath(Envelope envelope, List<Integer> recipients);
}
