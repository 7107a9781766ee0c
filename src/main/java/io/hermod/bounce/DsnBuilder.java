package io.hermod.bounce;

import io.hermod.spool.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds delivery status notifications: {@code multipart/report; report-type=delivery-status}
 * (RFC 6522) with an explanation, the RFC 3464 {@code message/delivery-status} and the original
 * header section as {@code text/rfc822-headers}.
 */
public final class DsnBuilder {

    /** The RFC 5322 3.3 date-time, with a numeric zone even at UTC. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private static final String PREAMBLE = "This is a MIME-encapsulated message.\r\n";

    private final String reportingMta;
    private final Clock clock;

    /**
     * @param reportingMta this host's name ({@code hostname}): the {@code Reporting-MTA}, and the domain
     *                     of {@code From:} and {@code Message-ID:}
     * @param clock        gives the report's {@code Date:} and {@code Last-Attempt-Date:}, and the zone
     *                     every date is written in
     */
    public DsnBuilder(String reportingMta, Clock clock) {
        this.reportingMta = FieldText.hostToken(Objects.requireNonNull(reportingMta, "reportingMta"), "localhost");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The complete DSN message (RFC 5322, CRLF line endings, 7-bit safe headers) to send from
     * {@code <>} to {@code original.sender()}. The message is 7-bit unless the original header section
     * has 8-bit octets, which are copied as they are under {@code Content-Transfer-Encoding: 8bit}, or
     * the sender's address is not ASCII, in which case {@code To:} holds it in UTF-8 (RFC 6532) and the
     * report needs SMTPUTF8 like the address itself.
     *
     * @param original        the envelope of the message reported on
     * @param originalHeaders the header section of the original message as stored (may start with
     *                        Hermod's own Received: header), without the blank line; may be truncated by
     *                        the caller; null is taken as empty
     * @param recipients      the recipients reported on, in the order given; at least one
     * @param action          whether they failed or are delayed
     * @param dsnId           a unique token the caller supplies (used in Message-ID and the MIME boundary);
     *                        characters a Message-ID cannot hold are replaced by {@code _}
     * @throws IllegalArgumentException when {@code recipients} is empty: there is nothing to report
     */
    public byte[] build(Envelope original, byte[] originalHeaders, List<FailedRecipient> recipients,
                        ReportAction action, String dsnId) {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(action, "action");
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("a delivery status notification is about at least one recipient");
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        ZonedDateTime arrival = Instant.ofEpochMilli(original.arrivalMillis()).atZone(clock.getZone());
        String messageId = original.id().toString();
        String token = idToken(dsnId, messageId + "." + clock.millis());

        String explanation = Explanation.text(reportingMta, messageId, recipients, action);
        boolean explanationAscii = FieldText.isAscii(explanation);
        byte[] explanationBody = (explanationAscii ? explanation : QuotedPrintable.encode(explanation))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] statusBody = DeliveryStatusFields.content(reportingMta, messageId, arrival, now, recipients, action)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] headersBody = OriginalHeaders.forReport(originalHeaders);
        boolean eightBit = OriginalHeaders.hasEightBit(headersBody);
        String boundary = boundary(token, explanationBody, statusBody, headersBody);

        StringBuilder head = new StringBuilder(1024);
        FieldText.field(head, "From", "Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        FieldText.field(head, "To", to(original));
        FieldText.field(head, "Subject", action.subject);
        FieldText.field(head, "Date", DATE.format(now));
        FieldText.field(head, "Message-ID", "<" + token + "@" + reportingMta + ">");
        FieldText.field(head, "Auto-Submitted", "auto-replied");
        FieldText.field(head, "MIME-Version", "1.0");
        FieldText.field(head, "Content-Type",
                "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
        if (eightBit) {
            // RFC 2045 6.4: a multipart is labelled with the widest encoding of its parts.
            FieldText.field(head, "Content-Transfer-Encoding", "8bit");
        }
        head.append("\r\n").append(PREAMBLE);

        ByteArrayOutputStream out = new ByteArrayOutputStream(
                head.length() + explanationBody.length + statusBody.length + headersBody.length + 512);
        write(out, head);
        part(out, boundary, explanationAscii
                ? "Content-Type: text/plain; charset=us-ascii\r\n"
                : "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
                explanationBody);
        part(out, boundary, "Content-Type: message/delivery-status\r\n", statusBody);
        part(out, boundary, "Content-Type: text/rfc822-headers\r\n"
                + (eightBit ? "Content-Transfer-Encoding: 8bit\r\n" : ""), headersBody);
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    /**
     * The header section of a stored message: bytes up to (not including) the first empty line, at
     * most {@code maxBytes}. A section longer than that is cut after the last whole line that fits
     * (inside the first line only when that alone is too long). A message without an empty line is
     * all header section.
     */
    public static byte[] headerSection(byte[] message, int maxBytes) {
        return OriginalHeaders.section(message, maxBytes);
    }

    private static String to(Envelope original) {
        String sender = FieldText.withoutControls(original.sender()).trim();
        // Contract 5 says no report goes to the null sender; should one be built anyway, it stays valid.
        return sender.isEmpty() ? "undisclosed-recipients:;" : "<" + sender + ">";
    }

    /** The dsnId as the left side of a Message-ID (RFC 5322 dot-atom-text), or {@code fallback}. */
    private static String idToken(String dsnId, String fallback) {
        StringBuilder sb = new StringBuilder();
        if (dsnId != null) {
            for (int i = 0; i < dsnId.length() && sb.length() < 200; i++) {
                char c = dsnId.charAt(i);
                boolean atext = c < 0x80 && (Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0);
                sb.append(atext || c == '.' ? c : '_');
            }
        }
        String token = sb.toString().replaceAll("\\.{2,}", ".").replaceAll("^\\.|\\.$", "");
        return token.isEmpty() ? fallback : token;
    }

    /**
     * {@code =_hermod_} and the token's boundary-safe characters ({@code =_} never occurs in
     * quoted-printable or base64 text), made longer until no part contains it.
     */
    private static String boundary(String token, byte[]... parts) {
        String base = "=_hermod_" + token.replaceAll("[^A-Za-z0-9.-]", "");
        base = base.substring(0, Math.min(base.length(), 60));
        String boundary = base;
        for (int n = 1; containedIn(("--" + boundary).getBytes(StandardCharsets.US_ASCII), parts); n++) {
            boundary = base + "_" + n;
        }
        return boundary;
    }

    private static boolean containedIn(byte[] needle, byte[]... haystacks) {
        for (byte[] haystack : haystacks) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static void part(ByteArrayOutputStream out, String boundary, String headers, byte[] body) {
        write(out, "\r\n--" + boundary + "\r\n" + headers + "\r\n");
        out.writeBytes(body);
    }

    private static void write(ByteArrayOutputStream out, CharSequence text) {
        out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
