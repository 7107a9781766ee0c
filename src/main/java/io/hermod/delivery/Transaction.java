package io.hermod.delivery;

import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;
import io.hermod.spool.Envelope;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * One message over one connection: MAIL, RCPT per recipient, DATA, body, end of data. With
 * PIPELINING the envelope commands go out as one write (RFC 2920) and their replies are read in
 * order; without it each waits for the previous reply. Yields an {@link Outcome} for every
 * recipient it was given: at most {@code maxRecipients} are sent, the rest (and those refused
 * with {@code 452} once others were accepted, RFC 5321 4.5.3.1.10) come back {@link Outcome.Unsent}
 * for the next transaction.
 */
final class Transaction {

    private static final Outcome OVER_CAP = new Outcome.Unsent("over delivery.max_recipients_per_transaction");

    private final OutboundConnection connection;
    private final Envelope envelope;
    private final List<Integer> indexes;
    private final List<Integer> overflow;
    private final BodySource body;
    private final Reply[] rcptReplies;
    private final String reversePath;
    /** Run after the final dot, to send the next message behind it; null for none. */
    private final Runnable next;
    /** A 421: the server is closing the channel, the destination is backed off. */
    private Outcome.Answered closing;

    Transaction(OutboundConnection connection, Envelope envelope, List<Integer> indexes, BodySource body,
                int maxRecipients, ReturnPath returnPath, Runnable next) {
        this.connection = connection;
        this.next = next;
        this.envelope = envelope;
        int sent = Math.min(indexes.size(), maxRecipients);
        this.indexes = indexes.subList(0, sent);
        this.overflow = indexes.subList(sent, indexes.size());
        this.body = body;
        this.rcptReplies = new Reply[sent];
        this.reversePath = envelope.isNullSender() ? "" : returnPath.reversePath(envelope, this.indexes);
    }

    Future<TransactionResult> run() {
        Capabilities caps = connection.capabilities();
        if (EnvelopeCommands.needsSmtpUtf8(envelope) && !caps.smtpUtf8()) {
            return Future.succeededFuture(all(policy(new EnhancedStatus(5, 6, 7),
                    connection.peer() + " does not offer SMTPUTF8, which this message requires")));
        }
        if (caps.size() && caps.maxSize() > 0 && envelope.bodySize() > caps.maxSize()) {
            return Future.succeededFuture(all(policy(new EnhancedStatus(5, 3, 4), "message size "
                    + envelope.bodySize() + " exceeds " + connection.peer() + "'s limit " + caps.maxSize())));
        }
        return caps.pipelining() ? pipelined() : stepByStep();
    }

    private static Outcome policy(EnhancedStatus status, String detail) {
        return new Outcome.Failed(Failure.POLICY, ClientStep.MAIL, status, detail);
    }

    private Future<TransactionResult> pipelined() {
        StringBuilder commands = new StringBuilder(64 + 48 * indexes.size());
        commands.append(EnvelopeCommands.mailFrom(envelope, reversePath, connection.capabilities()));
        Future<Reply> mail = connection.expect(ClientStep.MAIL);
        List<Future<Reply>> rcpts = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            commands.append(EnvelopeCommands.rcptTo(envelope.recipients().get(index)));
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
            return Future.succeededFuture(cutShort(DeliveryException.outcomeOf(joined.cause(), ClientStep.RCPT)));
        });
    }

    /** The conversation broke after some replies: refusals stand, the rest get what broke it. */
    private TransactionResult cutShort(Outcome broken) {
        connection.close();
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size() + overflow.size());
        for (int i = 0; i < indexes.size(); i++) {
            Reply rcpt = rcptReplies[i];
            outcomes.add(new RecipientOutcome(indexes.get(i), rcpt != null && !rcpt.isPositive()
                    ? rcptOutcome(rcpt) : broken));
        }
        return finish(outcomes);
    }

    private Future<TransactionResult> stepByStep() {
        return connection.command(EnvelopeCommands.mailFrom(envelope, reversePath, connection.capabilities()).trim(), ClientStep.MAIL)
                .compose(mail -> {
                    if (!mail.isPositive()) {
                        return Future.succeededFuture(afterMailRefused(mail));
                    }
                    return rcpt(0).compose(v -> {
                        if (accepted() == 0 || closing != null) {
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
        return connection.command(EnvelopeCommands.rcptTo(envelope.recipients().get(indexes.get(i))).trim(), ClientStep.RCPT)
                .compose(reply -> {
                    rcptReplies[i] = reply;
                    noteClosing(ClientStep.RCPT, reply);
                    return closing != null ? Future.succeededFuture() : rcpt(i + 1);
                });
    }

    private Future<TransactionResult> afterData(Reply mail, Reply data) {
        if (data.isPositive() && data.code() != 354) {
            // No server answers DATA with 2yz: the replies are out of step with the commands (a
            // surplus reply to an earlier message, read as this one's MAIL), so none of them can be
            // trusted. Every recipient waits for a later attempt, and the connection is closed.
            connection.close();
            return Future.succeededFuture(all(Outcome.Failed.of(Failure.PROTOCOL, ClientStep.DATA,
                    connection.peer() + " answered DATA with " + data + ": its replies are out of step")));
        }
        for (Reply r : rcptReplies) {
            if (r != null) {
                noteClosing(ClientStep.RCPT, r);
            }
        }
        noteClosing(ClientStep.DATA, data);
        if (!mail.isPositive()) {
            return closeDataIfOpened(data).map(v -> afterMailRefused(mail));
        }
        if (accepted() == 0) {
            return closeDataIfOpened(data).map(v -> result(null));
        }
        if (data.code() != 354) {
            connection.transactionAborted();
            return Future.succeededFuture(result(new Outcome.Answered(ClientStep.DATA, data)));
        }
        // Expected before the body goes out, so that a server answering early (a 552 in the middle
        // of the content, then closing) is heard rather than taken for a lost connection; its
        // clock starts with the final dot.
        Future<Reply> endOfData = connection.expect(ClientStep.END_OF_DATA);
        connection.bodyStarted();
        return sendBody(0, true).transform(sent -> {
            if (sent.failed() && !endOfData.isComplete()) {
                // A body that cannot be read, or a socket that failed: the transaction is abandoned
                // at once, and closing without the final dot makes the server drop what it has.
                return Future.succeededFuture(cutShort(DeliveryException.outcomeOf(sent.cause(), ClientStep.MESSAGE)));
            }
            if (sent.succeeded() && !endOfData.isComplete()) {
                connection.bodySent(next);
            }
            return endOfData.transform(end -> {
                if (end.failed()) {
                    return Future.succeededFuture(cutShort(DeliveryException.outcomeOf(end.cause(),
                            ClientStep.END_OF_DATA)));
                }
                noteClosing(ClientStep.END_OF_DATA, end.result());
                return Future.succeededFuture(result(new Outcome.Answered(ClientStep.END_OF_DATA, end.result())));
            });
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
        // the outcome is already decided by the refusals; a connection lost now only ends it
        return end.<Void>mapEmpty().otherwiseEmpty();
    }

    private Future<Void> sendBody(int index, boolean atLineStart) {
        int chunks = body.chunks();
        if (chunks == 0) {
            return connection.writeBody(new byte[0], true, atLineStart).mapEmpty();
        }
        return body.chunk(index)
                .recover(e -> Future.failedFuture(DeliveryException.failed(Failure.SPOOL_READ, ClientStep.MESSAGE,
                        "cannot read the message from the spool: " + e.getMessage(), false, e)))
                .compose(bytes -> {
                    boolean last = index == chunks - 1;
                    return connection.writeBody(bytes, last, atLineStart)
                            .compose(lineStart -> last ? Future.succeededFuture() : sendBody(index + 1, lineStart));
                });
    }

    private TransactionResult afterMailRefused(Reply mail) {
        connection.transactionAborted();
        if (mail.code() == 421 && connection.reused()) {
            connection.close();
            return all(connection.closedWhileIdle(mail));
        }
        noteClosing(ClientStep.MAIL, mail);
        Outcome outcome = new Outcome.Answered(ClientStep.MAIL, mail);
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (int index : indexes) {
            outcomes.add(new RecipientOutcome(index, outcome));
        }
        return finish(outcomes);
    }

    private int accepted() {
        int accepted = 0;
        for (Reply r : rcptReplies) {
            if (r != null && r.isPositive()) {
                accepted++;
            }
        }
        return accepted;
    }

    /**
     * Refused recipients get their RCPT reply; accepted ones the reply that ended the transaction
     * ({@code end}, null when no DATA went out). A {@code 452} refusal is "too many recipients"
     * when others were accepted: those go out again in the next transaction.
     */
    private TransactionResult result(Outcome end) {
        boolean anyAccepted = accepted() > 0;
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size() + overflow.size());
        for (int i = 0; i < indexes.size(); i++) {
            Reply rcpt = rcptReplies[i];
            Outcome outcome;
            if (rcpt == null) {
                outcome = closing; // the server closed the channel before this RCPT
            } else if (rcpt.code() == 452 && anyAccepted) {
                outcome = new Outcome.Unsent(connection.peer() + " took no more recipients in this transaction: " + rcpt);
            } else if (!rcpt.isPositive()) {
                outcome = rcptOutcome(rcpt);
            } else {
                outcome = end != null ? end : closing;
            }
            outcomes.add(new RecipientOutcome(indexes.get(i), outcome));
        }
        return finish(outcomes);
    }

    private static Outcome rcptOutcome(Reply rcpt) {
        return new Outcome.Answered(ClientStep.RCPT, rcpt);
    }

    /** Adds the recipients over the per-transaction cap to {@code outcomes}, and closes a connection the server is closing. */
    private TransactionResult finish(List<RecipientOutcome> outcomes) {
        for (int index : overflow) {
            outcomes.add(new RecipientOutcome(index, OVER_CAP));
        }
        if (closing != null) {
            connection.close();
        }
        return new TransactionResult(outcomes, connection.isOpen(), closing != null, connection.remote());
    }

    /** The same outcome for every recipient given, sent or over the cap. */
    private TransactionResult all(Outcome outcome) {
        List<RecipientOutcome> outcomes = new ArrayList<>(indexes.size() + overflow.size());
        for (List<Integer> part : List.of(indexes, overflow)) {
            for (int index : part) {
                outcomes.add(new RecipientOutcome(index, outcome));
            }
        }
        return new TransactionResult(outcomes, connection.isOpen(), false, connection.remote());
    }

    /** 421 at any step means the server is closing the channel: back the destination off. */
    private void noteClosing(ClientStep step, Reply reply) {
        if (reply.code() == 421 && closing == null) {
            closing = new Outcome.Answered(step, reply);
        }
    }
}
