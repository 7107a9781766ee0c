package io.hermod.api;

import io.hermod.api.BatchRequest.Attachment;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds a rendered message as MIME with Jakarta Mail (Angus): text, HTML or both
 * ({@code multipart/alternative}), and attachments around them ({@code multipart/mixed}). The
 * library picks each part's transfer encoding (7bit, quoted-printable or base64) so that no line
 * passes 998 octets, and encodes non-ASCII display names and subjects (RFC 2047).
 */
final class MimeBuilder {

    /** Never used to send or to look anything up: Hermod sets Message-ID and Date itself. */
    private static final Session SESSION = Session.getInstance(new Properties());

    record Address(String email, String name) {
    }

    /** Everything one message is made of, rendered. */
    record Parts(Address from, Address replyTo, Address to, String subject, String text, String html,
                 Map<String, String> headers, List<Attachment> attachments, String messageId, long dateMillis) {
    }

    private MimeBuilder() {
    }

    /** Writes the message, CRLF line endings, to {@code out}; IllegalArgumentException names what is wrong. */
    static void write(Parts parts, OutputStream out) {
        try {
            MimeMessage message = new FixedIdMessage(parts.messageId());
            message.setFrom(address(parts.from(), "content.from"));
            if (parts.replyTo() != null) {
                message.setReplyTo(new InternetAddress[] {address(parts.replyTo(), "content.reply_to")});
            }
            message.setRecipient(Message.RecipientType.TO, address(parts.to(), "recipient"));
            message.setSubject(parts.subject(), "UTF-8");
            message.setSentDate(new Date(parts.dateMillis()));
            for (Map.Entry<String, String> header : parts.headers().entrySet()) {
                message.addHeader(header.getKey(), MimeUtility.fold(header.getKey().length() + 2,
                        MimeUtility.encodeText(header.getValue(), "UTF-8", null)));
            }
            if (parts.attachments().isEmpty() && (parts.text() == null || parts.html() == null)) {
                boolean plain = parts.html() == null;
                message.setText(plain ? parts.text() : parts.html(), "UTF-8", plain ? "plain" : "html");
            } else if (parts.attachments().isEmpty()) {
                message.setContent(alternative(parts.text(), parts.html()));
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                mixed.addBodyPart(body(parts.text(), parts.html()));
                for (Attachment attachment : parts.attachments()) {
                    MimeBodyPart part = new MimeBodyPart();
                    part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.data(),
                            attachment.contentType())));
                    part.setFileName(MimeUtility.encodeText(attachment.fileName(), "UTF-8", null));
                    part.setDisposition(MimeBodyPart.ATTACHMENT);
                    // Base64 whatever the type: the library would otherwise read the data to choose.
                    part.setHeader("Content-Transfer-Encoding", "base64");
                    mixed.addBodyPart(part);
                }
                message.setContent(mixed);
            }
            message.saveChanges();
            message.writeTo(out);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text and HTML bodies as one part: either alone, or both as alternatives. */
    private static MimeBodyPart body(String text, String html) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        if (html == null) {
            part.setText(text, "UTF-8", "plain");
        } else if (text == null) {
            part.setText(html, "UTF-8", "html");
        } else {
            part.setContent(alternative(text, html));
        }
        return part;
    }

    /** Text first: RFC 2046 puts the least preferred alternative first. */
    private static MimeMultipart alternative(String text, String html) throws MessagingException {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        return alternative;
    }

    private static InternetAddress address(Address address, String field) throws UnsupportedEncodingException {
        try {
            InternetAddress parsed = new InternetAddress(address.email(), true);
            if (address.name() != null && !address.name().isEmpty()) {
                parsed.setPersonal(address.name(), StandardCharsets.UTF_8.name());
            }
            return parsed;
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + ": not a valid address: \"" + address.email() + "\"", e);
        }
    }

    /** A message whose Message-ID is Hermod's, so that saving it looks up no local host name. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(String id) {
            super(SESSION);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + id + ">");
        }
    }
}
