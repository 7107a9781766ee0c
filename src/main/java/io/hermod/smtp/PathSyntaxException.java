package io.hermod.smtp;

/** A MAIL or RCPT argument that does not parse; {@link #reply()} is what the client is told. */
public final class PathSyntaxException extends Exception {

    private final transient Reply reply;

    public PathSyntaxException(Reply reply, String detail) {
        super(detail, null, false, false);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
