package io.hermod.feedback;

import java.nio.charset.StandardCharsets;

/**
 * Reports as mailbox providers send them (structure, field order and wording after real samples,
 * addresses and ids replaced), with a placeholder for the return path and the X-Hermod-Ref header.
 */
public final class Reports {

    private Reports() {
    }

    public static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Gmail: an alternative text part inside multipart/related, then the status, then the message. */
    public static String gmailDsn(String to, String refHeader) {
        return """
                Return-Path: <>
                Received: by 2002:a05:6a10:1234 with SMTP id abc; Mon, 30 Nov 2026 10:00:02 -0800 (PST)
                From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                To: %s
                Auto-Submitted: auto-replied
                Subject: Delivery Status Notification (Failure)
                References: <news-1@origin.test>
                In-Reply-To: <news-1@origin.test>
                X-Failed-Recipients: nosuchuser@gmail.com
                Message-ID: <6572a1b2.abc.1234@mx.google.com>
                Date: Mon, 30 Nov 2026 10:00:02 -0800 (PST)
                MIME-Version: 1.0
                Content-Type: multipart/report; boundary="000000000000f1a2b3c4d5e6f7a8"; report-type=delivery-status

                --000000000000f1a2b3c4d5e6f7a8
                Content-Type: multipart/related; boundary="000000000000f1a2b3c4d5e6f7b9"

                --000000000000f1a2b3c4d5e6f7b9
                Content-Type: multipart/alternative; boundary="000000000000f1a2b3c4d5e6f7ca"

                --000000000000f1a2b3c4d5e6f7ca
                Content-Type: text/plain; charset="UTF-8"


                ** Address not found **

                Your message wasn't delivered to nosuchuser@gmail.com because the address couldn't be found, or is unable to receive mail.

                --000000000000f1a2b3c4d5e6f7ca
                Content-Type: text/html; charset="UTF-8"

                <html><body><h1>Address not found</h1></body></html>
                --000000000000f1a2b3c4d5e6f7ca--
                --000000000000f1a2b3c4d5e6f7b9--

                --000000000000f1a2b3c4d5e6f7a8
                Content-Type: message/delivery-status

                Reporting-MTA: dns; googlemail.com
                Received-From-MTA: dns; mail.origin.test
                Arrival-Date: Mon, 30 Nov 2026 10:00:01 -0800 (PST)
                X-Original-Message-ID: <news-1@origin.test>

                Final-Recipient: rfc822; nosuchuser@gmail.com
                Action: failed
                Status: 5.1.1
                Remote-MTA: dns; gmail-smtp-in.l.google.com. (2607:f8b0:4864:20::1b, the server for the domain gmail.com.)
                Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try
                 550-5.1.1 double-checking the recipient's email address for typos or
                 550-5.1.1 unnecessary spaces. For more information, go to
                 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si1234567qkb.123 - gsmtp
                Last-Attempt-Date: Mon, 30 Nov 2026 10:00:02 -0800 (PST)

                --000000000000f1a2b3c4d5e6f7a8
                Content-Type: message/rfc822

                Received: from client.test (127.0.0.1) by mail.origin.test (Hermod) with ESMTP id 0001; Mon, 30 Nov 2026 18:00:00 +0000
                %sFrom: News <news@origin.test>
                To: nosuchuser@gmail.com
                Subject: Weekly news
                Message-ID: <news-1@origin.test>

                Hello.

                --000000000000f1a2b3c4d5e6f7a8--
                """.formatted(to, refHeader);
    }

    /** Exchange Online / Outlook.com: an NDR with text and HTML, the status, the original message. */
    public static String microsoftDsn(String to, String refHeader) {
        return """
                From: Microsoft Outlook
                	<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@outlook.com>
                To: <%s>
                Date: Mon, 30 Nov 2026 18:00:03 +0000
                Content-Type: multipart/report; report-type=delivery-status;
                	boundary="41a7c4d1-7e2e-4b3b-9d3a-5f0e9b2c1a00"
                Content-Language: en-US
                Message-ID: <a1b2c3d4-e5f6-7890-abcd-ef1234567890@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>
                In-Reply-To: <news-2@origin.test>
                Subject: Undeliverable: Weekly news
                Auto-Submitted: auto-replied
                MIME-Version: 1.0

                --41a7c4d1-7e2e-4b3b-9d3a-5f0e9b2c1a00
                Content-Type: multipart/alternative; differences=Content-Type;
                	boundary="7c2b9a1e-33d1-4c9f-8f00-1e2d3c4b5a69"

                --7c2b9a1e-33d1-4c9f-8f00-1e2d3c4b5a69
                Content-Type: text/plain; charset="us-ascii"
                Content-Transfer-Encoding: quoted-printable

                Your message to someone@outlook.com couldn't be delivered.
                someone wasn't found at outlook.com.

                --7c2b9a1e-33d1-4c9f-8f00-1e2d3c4b5a69
                Content-Type: text/html; charset="us-ascii"
                Content-Transfer-Encoding: quoted-printable

                <html><body><p>Your message to someone@outlook.com couldn=E2=80=99t be delivered.</p></body></html>
                --7c2b9a1e-33d1-4c9f-8f00-1e2d3c4b5a69--

                --41a7c4d1-7e2e-4b3b-9d3a-5f0e9b2c1a00
                Content-Type: message/delivery-status

                Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com
                Received-From-MTA: dns;mail.origin.test
                Arrival-Date: Mon, 30 Nov 2026 18:00:02 +0000

                Final-Recipient: rfc822;someone@outlook.com
                Action: failed
                Status: 5.5.0
                Diagnostic-Code: smtp;550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM0PR01MB1234.eurprd01.prod.exchangelabs.com 2026-11-30T18:00:03.123Z 08DBF0123456789A]

                --41a7c4d1-7e2e-4b3b-9d3a-5f0e9b2c1a00
                Content-Type: text/rfc822-headers

                Received: from client.test (127.0.0.1) by mail.origin.test (Hermod) with ESMTP id 0002; Mon, 30 Nov 2026 18:00:00 +0000
                %sFrom: News <news@origin.test>
                To: someone@outlook.com
                Subject: Weekly news
                Message-ID: <news-2@origin.test>

                --41a7c4d1-7e2e-4b3b-9d3a-5f0e9b2c1a00--
                """.formatted(to, refHeader);
    }

    /** Yahoo's asynchronous bounce: plain text, no multipart/report (not RFC 3464). */
    public static String yahooPlainBounce(String to) {
        return """
                From: MAILER-DAEMON@yahoo.com
                To: %s
                Subject: Failure Notice
                Date: Mon, 30 Nov 2026 18:00:04 +0000
                Content-Type: text/plain; charset=us-ascii

                Sorry, we were unable to deliver your message to the following address.

                <gone@yahoo.com>:
                554: delivery error: dd This user doesn't have a yahoo.com account (gone@yahoo.com) [0] - mta1234.mail.bf1.yahoo.com

                --- Below this line is a copy of the message.
                """.formatted(to);
    }

    /** Yahoo's complaint feedback loop (ARF): the recipient redacted, the original message included. */
    public static String yahooArf(String to, String refHeader) {
        return """
                From: feedback@arf.mail.yahoo.com
                To: %s
                Subject: FW: Weekly news
                Date: Mon, 30 Nov 2026 19:00:00 +0000
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report;
                	boundary="----=_Part_1234567_89012345.1701370800000"

                ------=_Part_1234567_89012345.1701370800000
                Content-Type: text/plain; charset=us-ascii
                Content-Transfer-Encoding: 7bit

                This is an email abuse report for an email message received from IP 192.0.2.25 on Mon, 30 Nov 2026 18:00:05 +0000.
                For more information about this format please see http://www.mipassoc.org/arf/.

                ------=_Part_1234567_89012345.1701370800000
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: Yahoo!-Mail-Feedback/2.0
                Version: 0.1
                Original-Mail-From: <news@origin.test>
                Original-Rcpt-To: <redacted@yahoo.com>
                Received-Date: Mon, 30 Nov 2026 18:00:05 +0000
                Source-IP: 192.0.2.25
                Authentication-Results: mta1001.mail.gq1.yahoo.com  from=origin.test; domainkeys=neutral (no sig);  from=origin.test; dkim=pass (ok)
                Reported-Domain: origin.test

                ------=_Part_1234567_89012345.1701370800000
                Content-Type: message/rfc822
                Content-Disposition: inline

                Received: from client.test (127.0.0.1) by mail.origin.test (Hermod) with ESMTP id 0003; Mon, 30 Nov 2026 18:00:00 +0000
                %sFrom: News <news@origin.test>
                To: redacted@yahoo.com
                Subject: Weekly news
                Message-ID: <news-3@origin.test>

                Hello.

                ------=_Part_1234567_89012345.1701370800000--
                """.formatted(to, refHeader);
    }

    /** Microsoft's JMRP in ARF form: the original headers only, and the recipient given. */
    public static String microsoftArf(String to, String refHeader, String recipient) {
        return """
                From: staff@hotmail.com
                To: %s
                Subject: complaint about message from 192.0.2.25
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="--boundary_0_jmrp"

                ----boundary_0_jmrp
                Content-Type: text/plain; charset=us-ascii

                This is an email abuse report for an email message received from IP 192.0.2.25.

                ----boundary_0_jmrp
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: Microsoft JMRP/1.0
                Version: 1
                Original-Rcpt-To: %s
                Arrival-Date: Mon, 30 Nov 2026 18:00:06 +0000
                Source-IP: 192.0.2.25

                ----boundary_0_jmrp
                Content-Type: text/rfc822-headers

                %sFrom: News <news@origin.test>
                To: %s
                Subject: Weekly news

                ----boundary_0_jmrp--
                """.formatted(to, recipient, refHeader, recipient);
    }
}
