package io.hermod.delivery;

import io.hermod.smtp.Reply;

/**
 * A conversation with a next hop that went wrong: the message says where ("lost connection with
 * 127.0.0.1:2526 while sending end of data"), {@link #reply()} is the server's answer when there
 * was one, {@link #siteFailure()} whether the whole destination should be backed off.
 */
public final class DeliveryException extends Exception {

    private final transient Reply reply;
    private final boolean siteFailure;

    public DeliveryException(String message, Reply reply, boolean siteFailure, Throwable cause) {
        super(message, cause, false, false);
        this.reply = reply;
        this.siteFailure = siteFailure;
    }

    public Reply reply() {
        return reply;
    }

    public boolean siteFailure() {
        return siteFailure;
    }

    /** Permanent only when the server said so with a 5xx; a broken conversation is transient. */
    public boolean permanent() {
        return reply != null && reply.isPermanent();
    }
}
