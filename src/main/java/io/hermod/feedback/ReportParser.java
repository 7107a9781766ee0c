package io.hermod.feedback;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads a message as an RFC 3464 delivery status notification ({@code multipart/report;
 * report-type=delivery-status}, RFC 6533's {@code global-delivery-status} too) or an RFC 5965
 * feedback report ({@code report-type=feedback-report}), with Angus Mail's MIME parser. Anything
 * else, or a report missing its machine-readable part, is {@link Report.Unrecognised} with the
 * reason. Never throws for bad input: a message that does not parse is unrecognised. Pure and
 * thread-safe; the caller bounds the input's size.
 */
public final class ReportParser {

    private static final Session SESSION = Session.getInstance(new Properties());
    /** A blank line (with any line ending) between the blocks of a delivery-status body. */
    private static final Pattern BLANK_LINE = Pattern.compile("\r?\n[ \t]*\r?\n");
    /** Nested multiparts deeper than this are not looked into. */
    private static final int MAX_DEPTH = 3;

    private ReportParser() {
    }

    public static Report parse(byte[] message) {
        try {
            MimeMessage mime = new MimeMessage(SESSION, new ByteArrayInputStream(message));
            return parse(mime.getContentType(), mime.getRawInputStream(), 0);
        } catch (MessagingException | IOException | RuntimeException e) {
            return new Report.Unrecognised("does not parse as MIME: " + e.getMessage());
        }
    }

    private static Report parse(String contentType, InputStream raw, int depth)
            throws MessagingException, IOException {
        ContentType type = contentType(contentType);
        if (type == null || !type.getPrimaryType().equalsIgnoreCase("multipart")) {
            return new Report.Unrecognised("not a multipart/report (Content-Type " + contentType + ")");
        }
        MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(raw, contentType));
        if (!type.getSubType().equalsIgnoreCase("report")) {
            // A report forwarded inside multipart/mixed (some feedback loops do that): read the first one found.
            if (depth < MAX_DEPTH) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    if (part.isMimeType("multipart/*")) {
                        Report inner = parse(part.getContentType(), rawOf(part), depth + 1);
                        if (!(inner instanceof Report.Unrecognised)) {
                            return inner;
                        }
                    }
                }
            }
            return new Report.Unrecognised("not a multipart/report (Content-Type " + type.getBaseType() + ")");
        }
        String reportType = lower(type.getParameter("report-type"));
        return switch (reportType) {
            case "delivery-status", "global-delivery-status" -> delivery(multipart);
            case "feedback-report" -> feedback(multipart);
            default -> new Report.Unrecognised("multipart/report of report-type " + reportType);
        };
    }

    private static Report delivery(MimeMultipart multipart) throws MessagingException, IOException {
        String statusText = null;
        List<String> references = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (statusText == null && (part.isMimeType("message/delivery-status")
                    || part.isMimeType("message/global-delivery-status"))) {
                statusText = text(part);
            } else if (isReturnedMessage(part)) {
                references.addAll(references(part));
            }
        }
        if (statusText == null) {
            return new Report.Unrecognised("delivery report without a message/delivery-status part");
        }
        String[] blocks = BLANK_LINE.split(statusText.strip());
        InternetHeaders perMessage = fields(blocks[0]);
        List<Report.RecipientStatus> recipients = new ArrayList<>();
        for (int i = 1; i < blocks.length; i++) {
            InternetHeaders f = fields(blocks[i]);
            String finalRecipient = address(f.getHeader("Final-Recipient", ","));
            if (finalRecipient.isEmpty() && f.getHeader("Action") == null) {
                continue; // stray text, not a recipient block
            }
            recipients.add(new Report.RecipientStatus(finalRecipient, address(f.getHeader("Original-Recipient", ",")),
                    lower(f.getHeader("Action", ",")), value(f.getHeader("Status", ",")),
                    value(f.getHeader("Diagnostic-Code", ",")), address(f.getHeader("Remote-MTA", ","))));
        }
        if (recipients.isEmpty()) {
            return new Report.Unrecognised("delivery report without a per-recipient block");
        }
        return new Report.Delivery(address(perMessage.getHeader("Reporting-MTA", ",")), recipients, references);
    }

    private static Report feedback(MimeMultipart multipart) throws MessagingException, IOException {
        InternetHeaders fields = null;
        List<String> references = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (fields == null && part.isMimeType("message/feedback-report")) {
                fields = fields(text(part).strip());
            } else if (isReturnedMessage(part)) {
                references.addAll(references(part));
            }
        }
        if (fields == null) {
            return new Report.Unrecognised("feedback report without a message/feedback-report part");
        }
        String feedbackType = lower(fields.getHeader("Feedback-Type", ","));
        if (feedbackType.isEmpty()) {
            return new Report.Unrecognised("feedback report without Feedback-Type");
        }
        return new Report.Feedback(feedbackType, value(fields.getHeader("User-Agent", ",")),
                address(fields.getHeader("Original-Rcpt-To", ",")), address(fields.getHeader("Original-Mail-From", ",")),
                value(fields.getHeader("Source-IP", ",")), references);
    }

    private static boolean isReturnedMessage(BodyPart part) throws MessagingException {
        return part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")
                || part.isMimeType("message/rfc822-headers") || part.isMimeType("message/global")
                || part.isMimeType("message/global-headers");
    }

    /** The {@code X-Hermod-Ref} values in the header section of a returned message or its headers. */
    private static List<String> references(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = decoded(part)) {
            String[] values = new InternetHeaders(in).getHeader(References.HEADER);
            List<String> out = new ArrayList<>();
            if (values != null) {
                for (String v : values) {
                    out.add(v.strip());
                }
            }
            return out;
        }
    }

    /** Header-like fields ("Name: value" lines, folded lines allowed) of one block of a report. */
    static InternetHeaders fields(String block) throws MessagingException {
        return new InternetHeaders(new ByteArrayInputStream((block + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** A part's decoded body as text (reports are ASCII, or UTF-8 for the global forms). */
    private static String text(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = decoded(part)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A part's body with its Content-Transfer-Encoding undone. Angus Mail ignores the encoding of
     * every {@code message/*} part (RFC 2046 forbids it for message/rfc822), but some servers
     * base64-encode a {@code message/delivery-status}; so it is undone here, whatever the type.
     */
    private static InputStream decoded(BodyPart part) throws MessagingException, IOException {
        if (!(part instanceof MimeBodyPart m) || m.getEncoding() == null) {
            return part.getInputStream();
        }
        try {
            return MimeUtility.decode(m.getRawInputStream(), m.getEncoding());
        } catch (MessagingException e) {
            return m.getRawInputStream(); // an encoding nobody knows: take the bytes as they are
        }
    }

    private static InputStream rawOf(BodyPart part) throws MessagingException, IOException {
        return part instanceof MimeBodyPart m ? m.getRawInputStream() : part.getInputStream();
    }

    private static ContentType contentType(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new ContentType(text);
        } catch (ParseException e) {
            return null;
        }
    }

    /** "rfc822; user@example.com" → "user@example.com"; "dns; mx.example.com" → "mx.example.com". */
    static String address(String field) {
        String v = value(field);
        int semicolon = v.indexOf(';');
        String address = (semicolon < 0 ? v : v.substring(semicolon + 1)).strip();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1).strip();
        }
        return address;
    }

    /** Unfolded, trimmed; "" for an absent field. */
    static String value(String field) {
        return field == null ? "" : field.replaceAll("\r?\n[ \t]+", " ").strip();
    }

    private static String lower(String field) {
        return value(field).toLowerCase(Locale.ROOT);
    }

    /** The top-level header section of {@code message}, at most {@code max} characters, for an Unparsed event. */
    public static String headerSection(byte[] message, int max) {
        int end = headerEnd(message);
        String headers = new String(message, 0, Math.min(end, Math.max(0, max)), StandardCharsets.UTF_8);
        return end > max ? headers + "..." : headers;
    }

    /** Offset of the empty line ending the header section (or the message's length). */
    private static int headerEnd(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return m.length;
    }
}
