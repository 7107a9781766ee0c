package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static io.hermod.intake.SessionHarness.queuedReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import org.junit.jupiter.api.Test;

/** MAIL and RCPT parameters and limits, and what reaches the spool and the queue, and when. */
class SmtpSessionTransactionTest {

    private final SessionHarness h = new SessionHarness();

    private static SessionHarness manualStore() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        return new SessionHarness(options);
    }

    @Test
    void nullReversePath_isAcceptedAndStoredAsEmptySender() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nhi\r\n.\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>",
                        queuedReply(FIRST_ID));
        assertThat(h.onlyCommitted().isNullSender()).isTrue();
    }

    @Test
    void sourceRoute_isAcceptedAsTheFinalMailbox() {
        h.send("EHLO client.example\r\nMAIL FROM:<@a.example,@b.example:alice@c.example>\r\n");
        h.send("RCPT TO:<@a.example,@b.example:user@c.example>\r\nDATA\r\nhi\r\n.\r\n");
        Envelope e = h.onlyCommitted();
        assertThat(e.sender()).isEqualTo("alice@c.example");
        assertThat(e.recipients()).extracting(Recipient::address).containsExactly("user@c.example");
    }

    @Test
    void spaceAfterColon_isTolerated() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM: <alice@example.com>\r\nRCPT TO: <bob@example.org>\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok");
    }

    @Test
    void declaredSizeOverTheLimit_is552_5_3_4() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com> SIZE=10001\r\n"))
                .containsExactly("552 5.3.4 Error: message size exceeds fixed limit");
        assertThat(h.send("MAIL FROM:<alice@example.com> SIZE=99999999999999999999\r\n"))
                .containsExactly("552 5.3.4 Error: message size exceeds fixed limit");
    }

    @Test
    void declaredSizeAtTheLimit_isAccepted() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com> size=10000\r\n")).containsExactly("250 2.1.0 Ok");
    }

    @Test
    void nonNumericSize_is501_5_5_4() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com> SIZE=ten\r\nMAIL FROM:<alice@example.com> SIZE\r\n"))
                .containsExactly("501 5.5.4 Error: syntax error in parameters or arguments",
                        "501 5.5.4 Error: syntax error in parameters or arguments");
    }

    @Test
    void unknownMailParameter_is555_5_5_4() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com> RET=HDRS\r\nMAIL FROM:<alice@example.com> BODY=BINARYMIME\r\n"))
                .containsExactly("555 5.5.4 Error: unsupported MAIL/RCPT parameter",
                        "555 5.5.4 Error: unsupported MAIL/RCPT parameter");
    }

    @Test
    void unknownRcptParameter_is555_5_5_4() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<bob@example.org> NOTIFY=SUCCESS\r\n"))
                .containsExactly("555 5.5.4 Error: unsupported MAIL/RCPT parameter");
    }

    @Test
    void smtputf8WithAValue_is501_5_5_4() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com> SMTPUTF8=yes\r\n"))
                .containsExactly("501 5.5.4 Error: syntax error in parameters or arguments");
    }

    @Test
    void nonAsciiSenderWithoutSmtputf8_is553_5_6_7() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<jörg@bücher.example>\r\n"))
                .containsExactly("553 5.6.7 Error: non-ASCII address requires SMTPUTF8");
    }

    @Test
    void nonAsciiRecipientWithoutSmtputf8_is553_5_6_7() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<jörg@example.org>\r\nRCPT TO:<bob@bücher.example>\r\n")).containsExactly(
                "553 5.6.7 Error: non-ASCII address requires SMTPUTF8",
                "553 5.6.7 Error: non-ASCII address requires SMTPUTF8");
    }

    @Test
    void nonAsciiAddressesWithSmtputf8_areAcceptedAndFlagged() {
        h.send("EHLO client.example\r\n");
        assertThat(h.send("MAIL FROM:<jörg@bücher.example> SMTPUTF8 BODY=8BITMIME\r\nRCPT TO:<δοκιμή@παράδειγμα.δοκιμή>\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok");
        h.send("DATA\r\nSubject: ü\r\n\r\nü\r\n.\r\n");

        Envelope e = h.onlyCommitted();
        assertThat(e.sender()).isEqualTo("jörg@bücher.example");
        assertThat(e.recipients()).extracting(Recipient::address).containsExactly("δοκιμή@παράδειγμα.δοκιμή");
        assertThat(e.smtpUtf8()).isTrue();
        assertThat(e.eightBit()).isTrue();
        assertThat(h.storedText()).contains(" with UTF8SMTP id ");
    }

    @Test
    void generalAddressLiteral_is553_5_1_3AtRcpt_andTheIpLiteralsAreAccepted() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<user@[tag:content]>\r\nRCPT TO:<user@[x-tag:opaque]>\r\n"
                + "RCPT TO:<user@[192.0.2.1]>\r\nRCPT TO:<user@[IPv6:2001:db8::1]>\r\nDATA\r\nhi\r\n.\r\n"))
                .containsExactly("553 5.1.3 Error: address literal not supported",
                        "553 5.1.3 Error: address literal not supported", "250 2.1.5 Ok", "250 2.1.5 Ok",
                        "354 2.0.0 End data with <CR><LF>.<CR><LF>", queuedReply(FIRST_ID));
        assertThat(h.onlyCommitted().recipients()).extracting(Recipient::address)
                .containsExactly("user@[192.0.2.1]", "user@[IPv6:2001:db8::1]");
    }

    @Test
    void tooManyRecipients_is452_4_5_3_andTheMessageGoesToTheAcceptedOnes() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");
        assertThat(h.send("RCPT TO:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                + "RCPT TO:<d@example.org>\r\nDATA\r\nhi\r\n.\r\n")).containsExactly(
                "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "452 4.5.3 Error: too many recipients",
                "354 2.0.0 End data with <CR><LF>.<CR><LF>", queuedReply(FIRST_ID));
        assertThat(h.onlyCommitted().recipients()).extracting(Recipient::address)
                .containsExactly("a@example.org", "b@example.org", "c@example.org");
    }

    @Test
    void clientOutsideRelayNetworks_is554_5_7_1() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.client = "198.51.100.7";
        SessionHarness s = new SessionHarness(options);
        s.send("EHLO client.example\r\n");
        assertThat(s.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n")).containsExactly(
                "250 2.1.0 Ok", "554 5.7.1 Error: relay access denied", "554 5.5.1 Error: no valid recipients");
    }

    @Test
    void queuedReplyAndEnqueue_happenOnlyAfterTheCommitCompletes() {
        SessionHarness s = manualStore();
        s.send("EHLO client.example\r\nMAIL FROM:<jörg@example.com> BODY=8BITMIME SMTPUTF8\r\n"
                + "RCPT TO:<bob@example.org>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n");
        int writesBefore = s.channel.writes.size();

        s.send("Subject: hi\r\n\r\nhello\r\n.\r\n");
        assertThat(s.channel.writes).hasSize(writesBefore);
        assertThat(s.store.commits).hasSize(1);
        assertThat(s.queue.enqueued).isEmpty();

        s.store.completeCommit(0);

        assertThat(s.newLines()).containsExactly(queuedReply(FIRST_ID));
        assertThat(s.queue.enqueued).hasSize(1);
        Envelope e = s.queue.enqueued.get(0);
        assertThat(e).isSameAs(s.store.commits.get(0).envelope());
        assertThat(e.sender()).isEqualTo("jörg@example.com");
        assertThat(e.recipients()).extracting(Recipient::address).containsExactly("bob@example.org", "carol@example.org");
        assertThat(e.eightBit()).isTrue();
        assertThat(e.smtpUtf8()).isTrue();
    }

    @Test
    void commitCompletion_reachesTheClientOnlyOnTheSessionThread() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        options.queuedExecutor = true;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");
        s.send("hello\r\n.\r\n");

        s.store.completeCommit(0);
        assertThat(s.newLines()).isEmpty();
        assertThat(s.queue.enqueued).isEmpty();

        assertThat(s.executor.runPending()).isEqualTo(1);
        assertThat(s.newLines()).containsExactly(queuedReply(FIRST_ID));
        assertThat(s.queue.enqueued).hasSize(1);
    }

    @Test
    void enqueuedEnvelope_carriesSenderRecipientsFlagsAndClient() {
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com> BODY=8BITMIME\r\n");
        h.send("RCPT TO:<bob@example.org>\r\nRCPT TO:<carol@Example.NET>\r\nDATA\r\nhello\r\n.\r\n");

        assertThat(h.queue.enqueued).hasSize(1);
        Envelope e = h.queue.enqueued.get(0);
        assertThat(e).isSameAs(h.onlyCommitted());
        assertThat(e.id()).isEqualTo(FIRST_ID);
        assertThat(e.sender()).isEqualTo("alice@example.com");
        assertThat(e.recipients()).containsExactly(Recipient.pending("bob@example.org"),
                Recipient.pending("carol@Example.NET"));
        assertThat(e.eightBit()).isTrue();
        assertThat(e.smtpUtf8()).isFalse();
        assertThat(e.clientName()).isEqualTo("client.example");
        assertThat(e.clientAddress()).isEqualTo("192.0.2.10");
        assertThat(e.arrivalMillis()).isEqualTo(SessionHarness.NOW.toEpochMilli());
        assertThat(e.bodySize()).isEqualTo(h.store.body(e).length);
        assertThat(e.chunkCount()).isEqualTo(1);
    }

    @Test
    void failedCommit_is451_4_3_0_nothingEnqueued_chunksDiscarded_andTheSessionGoesOn() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        options.chunkSize = 1024;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");
        s.send("some body text that fills chunks\r\n".repeat(100) + ".\r\n");
        for (int i = 0; i < s.store.chunkWrites.size(); i++) {
            s.store.completeChunkWrite(i);
        }
        assertThat(s.store.chunks(FIRST_ID)).isNotEmpty();

        s.store.failCommit(0);

        assertThat(s.newLines()).containsExactly("451 4.3.0 Error: queue file write error, try again later");
        assertThat(s.queue.enqueued).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isEmpty();

        assertThat(s.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nagain\r\n.\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>");
        MessageId second = new MessageId(FIRST_ID.value() + 1);
        s.store.completeCommit(1);
        assertThat(s.newLines()).containsExactly(queuedReply(second));
        assertThat(s.queue.enqueued).extracting(Envelope::id).containsExactly(second);
    }

    @Test
    void failedChunkWrite_is451_withoutCommitting() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        options.chunkSize = 1024;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");
        s.send("some body text that fills chunks\r\n".repeat(100) + ".\r\n");
        assertThat(s.store.chunkWrites).hasSizeGreaterThan(1);

        s.store.completeChunkWrite(0);
        s.store.failChunkWrite(1);
        for (int i = 2; i < s.store.chunkWrites.size(); i++) {
            s.store.completeChunkWrite(i);
        }

        assertThat(s.newLines()).containsExactly("451 4.3.0 Error: queue file write error, try again later");
        assertThat(s.store.commits).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isEmpty();
        assertThat(s.queue.enqueued).isEmpty();
    }

    @Test
    void connectionLostDuringCommit_stillEnqueuesTheCommittedMessage() {
        SessionHarness s = manualStore();
        s.openData("alice@example.com", "bob@example.org");
        s.send("hello\r\n.\r\n");
        s.session.closed();

        s.store.completeCommit(0);

        assertThat(s.queue.enqueued).hasSize(1);
        assertThat(s.newLines()).isEmpty();
    }
}
