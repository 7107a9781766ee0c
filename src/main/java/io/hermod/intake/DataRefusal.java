package io.hermod.intake;

import io.hermod.smtp.DataDecoder;
import io.hermod.smtp.Replies;
import io.hermod.smtp.Reply;

/**
 * Why a message is refused once its DATA has ended, with the {@code result} label the intake
 * meters count it under and the reply the client gets. All but {@link #MEMORY_FULL} are permanent:
 * sending the same message again cannot help.
 */
enum DataRefusal {
    TOO_LARGE("too_large", Replies.SIZE_EXCEEDED),
    LINE_TOO_LONG("line_too_long", Replies.LINE_LIMIT_EXCEEDED),
    NUL_OCTET("nul_octet", Replies.NUL_IN_CONTENT),
    TOO_MANY_HOPS("too_many_hops", Replies.TOO_MANY_HOPS),
    /** The memory budget stayed full while the message came in; the client may send it again later. */
    MEMORY_FULL("memory_full", Replies.INSUFFICIENT_RESOURCES);

    final String result;
    final Reply reply;

    DataRefusal(String result, Reply reply) {
        this.result = result;
        this.reply = reply;
    }

    /**
     * The refusal of a message whose DATA has ended, or null when it may be committed. Long lines
     * and NUL octets matter only to mail that is relayed (a next hop may cut or misread them); a
     * message consumed here (all its recipients at inbound domains) is read as it is: a remote
     * MTA's bounce that quotes such a line is still a bounce.
     */
    static DataRefusal of(MessageBody body, DataDecoder decoder, int maxHops, boolean relayed) {
        if (body.overLimit()) {
            return TOO_LARGE;
        }
        if (relayed && decoder.sawLineTooLong()) {
            return LINE_TOO_LONG;
        }
        if (relayed && decoder.content().sawNul()) {
            return NUL_OCTET;
        }
        if (decoder.content().tooManyHops(maxHops)) {
            return TOO_MANY_HOPS;
        }
        return body.refused() ? MEMORY_FULL : null;
    }
}
