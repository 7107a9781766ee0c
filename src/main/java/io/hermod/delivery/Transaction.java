package io.hermod.delivery;

import io.hermod.smtp.Reply;
import io.hermod.spool.Envelope;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * One message over one connection: MAIL, RCPT per recipient, DATA, body, end of data. With
 * PIPELINING the envelope commands go out as one write (RFC 2920) and their replies are read in
 * order; without it each waits for the previous reply. Yields a result for every recipient.
 */
final class Transaction {

    private final OutboundConnection connection;
    private final Envelope envelope;
    private final List<Integer> indexes;
    private final BodySource body;
    private final Reply[] rcptReplies;
    private boolean siteFailure;

    Transaction(OutboundConnection connection, Envelope envelope, List<Integer> indexes, BodySource body) {
        this.connection = connection;
        this.envelope = envelope;
        this.indexes = indexes;
        this.body = body;
        this.rcptReplies = new Reply[indexes.size()];
    }

    Future<TransactionResult> run() {
        Capabilities caps = connection.capabilities();
        if (needsSmtpUtf8(envelope) && !caps.smtpUtf8()) {
            return Future.succeededFuture(all(RecipientOutcome.Result.FAILED,
                    "553 5.6.7 " + connection.peer() + " does not offer SMTPUTF8, which this message requires"));
        }
        if (caps.size() && caps.maxSize() > 0 && envelope.bodySize() > caps.maxSize()) {
            return Future.succeededFuture(all(RecipientOutcome.Result.FAILED,
                    "552 5.3.4 message size " + envelope.bodySize() + " exceeds " + connection.peer() + "'s limit "
                            + caps.maxSize()));
        }
        return caps.pipelining() ? pipelined() : stepByStep();
    }

    /** RFC 6531 is needed for non-ASCII addresses; a client's SMTPUTF8 flag on an ASCII envelope is not enough to bounce. */
    static boolean needsSmtpUtf8(Envelope envelope) {
        if (!envelope.smtpUtf8()) {
            return false;
        }
        if (!isAscii(envelope.sender())) {
            return true;
        }
        for (var r : envelope.recipients()) {
            if (!isAscii(r.address())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private Future<TransactionResult> pipelined() {
        StringBuilder commands = new StringBuilder(64 + 48 * indexes.size());
        commands.append(OutboundConnection.mailFrom(envelope, connection.capabilities()));
        Future<Reply> mail = connection.expect(ClientStep.MAIL);
        List<Future<Reply>> rcpts = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            commands.append(OutboundConnection.rcptTo(envelope.recipients().get(index)));
            rcpts.add(connection.expect(ClientStep.RCPT));
        }
        commands.append("DATA\r\n");
        Future<Reply> data = connection.expect(ClientStep.DATA);
        connection.write(commands.toString());
        List<Future<Reply>> all = new ArrayList<>(rcpts);
        all.add(mail);
        all.add(data);
        // join, not all: when the server answers some commands and then closes (a 421 to MAIL, say),
        // the answers it did give still decide those recipients' results.
        return Future.join(all).transform(joined -> {
            for (int i = 0; i < rcpts.size(); i++) {
                rcptReplies[i] = rcpts.get(i).succeeded() ? rcpts.get(i).result() : null;
            }
            if (joined.succeeded()) {
                return afterData(mail.result(), data.result());
            }
            if (mail.failed()) {
                return Future.failedFuture(mail.cause());
            }
            if (!mail.result().isPositive()) {
                return Future.succeededFuture(afterMailRefused(mail.result()));
            }
            return Future.succeededFuture(cutShort(joined.cause()));
        });
    }

    /** The connection broke after some replies: refusals stand, the rest are deferred with the reason. */
    private TransactionResult cutShort(Throwable cause) {
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size());
        for (int i = 0; i < indexes.size(); i++) {
            Reply rcpt = rcptReplies[i];
            if (rcpt != null) {
                noteSite(rcpt);
            }
            outcomes.add(rcpt != null && !rcpt.isPositive() ? classify(indexes.get(i), rcpt)
                    : new RecipientOutcome(indexes.get(i), RecipientOutcome.Result.DEFERRED, cause.getMessage()));
        }
        connection.close();
        return finish(outcomes);
    }

    private Future<TransactionResult> stepByStep() {
        return connection.command(OutboundConnection.mailFrom(envelope, connection.capabilities()).trim(), ClientStep.MAIL)
                .compose(mail -> {
                    if (!mail.isPositive()) {
                        return Future.succeededFuture(afterMailRefused(mail));
                    }
                    return rcpt(0).compose(v -> {
                        if (accepted().isEmpty() || siteFailure) {
                            connection.transactionAborted();
                            return Future.succeededFuture(result(null));
                        }
                        return connection.command("DATA", ClientStep.DATA).compose(data -> afterData(mail, data));
                    });
                });
    }

    private Future<Void> rcpt(int i) {
        if (i == indexes.size()) {
            return Future.succeededFuture();
        }
        return connection.command(OutboundConnection.rcptTo(envelope.recipients().get(indexes.get(i))).trim(), ClientStep.RCPT)
                .compose(reply -> {
                    rcptReplies[i] = reply;
                    noteSite(reply);
                    return siteFailure ? Future.succeededFuture() : rcpt(i + 1);
                });
    }

    private Future<TransactionResult> afterData(Reply mail, Reply data) {
        noteSite(mail);
        for (Reply r : rcptReplies) {
            if (r != null) {
                noteSite(r);
            }
        }
        noteSite(data);
        if (!mail.isPositive()) {
            return closeDataIfOpened(data).map(v -> afterMailRefused(mail));
        }
        if (accepted().isEmpty()) {
            return closeDataIfOpened(data).map(v -> result(null));
        }
        if (data.code() != 354) {
            connection.transactionAborted();
            return Future.succeededFuture(result(data));
        }
        // Expected before the body goes out, so that a server answering early (a 552 in the middle
        // of the content, then closing) is heard rather than taken for a lost connection.
        Future<Reply> endOfData = connection.expect(ClientStep.END_OF_DATA);
        return sendBody(0, true).transform(sent -> endOfData).map(end -> {
            noteSite(end);
            return result(end);
        });
    }

    /**
     * A server may answer 354 to a pipelined DATA even though it refused every recipient (RFC 2920
     * 3.1); the client then ends the empty message rather than leaving the server inside DATA.
     */
    private Future<Void> closeDataIfOpened(Reply data) {
        connection.transactionAborted();
        if (data.code() != 354) {
            return Future.succeededFuture();
        }
        Future<Reply> end = connection.expect(ClientStep.END_OF_DATA);
        connection.write(".\r\n");
        return end.mapEmpty();
    }

    private Future<Void> sendBody(int index, boolean atLineStart) {
        int chunks = body.chunks();
        if (chunks == 0) {
            connection.write(atLineStart ? ".\r\n" : "\r\n.\r\n");
            return Future.succeededFuture();
        }
        return body.chunk(index).compose(bytes -> {
            boolean last = index == chunks - 1;
            boolean[] lineStart = new boolean[1];
            return connection.writeBody(bytes, last, atLineStart, lineStart)
                    .compose(v -> last ? Future.succeededFuture() : sendBody(index + 1, lineStart[0]));
        });
    }

    private TransactionResult afterMailRefused(Reply mail) {
        noteSite(mail);
        connection.transactionAborted();
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (int index : indexes) {
            outcomes.add(classify(index, mail));
        }
        return finish(outcomes);
    }

    private List<Integer> accepted() {
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < rcptReplies.length; i++) {
            if (rcptReplies[i] != null && rcptReplies[i].isPositive()) {
                accepted.add(i);
            }
        }
        return accepted;
    }

    /** Refused recipients get their RCPT reply; accepted ones the reply that ended the transaction. */
    private TransactionResult result(Reply end) {
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size());
        for (int i = 0; i < indexes.size(); i++) {
            Reply rcpt = rcptReplies[i];
            if (rcpt == null) {
                outcomes.add(new RecipientOutcome(indexes.get(i), RecipientOutcome.Result.DEFERRED,
                        "not attempted: " + connection.peer() + " is closing the connection"));
            } else if (!rcpt.isPositive()) {
                outcomes.add(classify(indexes.get(i), rcpt));
            } else if (end == null) {
                outcomes.add(new RecipientOutcome(indexes.get(i), RecipientOutcome.Result.DEFERRED,
                        "not sent: no recipient of the transaction was accepted"));
            } else {
                outcomes.add(classify(indexes.get(i), end));
            }
        }
        return finish(outcomes);
    }

    private TransactionResult finish(List<RecipientOutcome> outcomes) {
        if (siteFailure) {
            connection.close();
        }
        return new TransactionResult(outcomes, connection.isOpen(), siteFailure, connection.remote());
    }

    private TransactionResult all(RecipientOutcome.Result result, String detail) {
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (int index : indexes) {
            outcomes.add(new RecipientOutcome(index, result, detail));
        }
        return new TransactionResult(outcomes, connection.isOpen(), false, connection.remote());
    }

    /** 421 at any step means the server is closing the channel: back the destination off. */
    private void noteSite(Reply reply) {
        if (reply.code() == 421) {
            siteFailure = true;
        }
    }

    private static RecipientOutcome classify(int index, Reply reply) {
        RecipientOutcome.Result result = reply.isPositive() ? RecipientOutcome.Result.DELIVERED
                : reply.isTransient() ? RecipientOutcome.Result.DEFERRED : RecipientOutcome.Result.FAILED;
        return new RecipientOutcome(index, result, reply.toString());
    }
}
