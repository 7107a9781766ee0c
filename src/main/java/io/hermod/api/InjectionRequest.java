package io.hermod.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.hermod.smtp.AddressSyntax;
import io.hermod.smtp.Mailbox;
import io.hermod.smtp.PathArgument;
import io.hermod.smtp.PathSyntaxException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope half of {@code POST /api/v1/messages}: sender, recipients and which of
 * {@code message} / {@code message_base64} carries the text, checked against the same address
 * rules as {@code MAIL FROM} and {@code RCPT TO}. The message string itself is skipped here, not
 * decoded: {@link MessageFieldReader} streams it once the envelope is known to be good.
 *
 * @param sender    the reverse-path without brackets, empty for the null sender
 * @param smtpUtf8  some address is not ASCII (RFC 6531), so the message needs SMTPUTF8 on the way out
 */
/** @param pool the egress pool asked for ({@code "pool"}), or null */
record InjectionRequest(String sender, List<String> recipients, boolean smtpUtf8, MessageField messageField,
                        String pool) {

    /** The two ways of handing over the message text. */
    enum MessageField {
        TEXT("message"), BASE64("message_base64");

        final String key;

        MessageField(String key) {
            this.key = key;
        }
    }

    private static final int QUOTED_MAX = 80;

    InjectionRequest {
        recipients = List.copyOf(recipients);
    }

    /** Parses and validates; throws {@link ApiException} (400) naming the field at fault. */
    static InjectionRequest parse(JsonFactory json, Buffer body, int maxRecipients) {
        try (JsonParser p = json.createParser(new BufferInputStream(body))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("body: must be a JSON object");
            }
            String sender = null;
            List<String> recipients = null;
            MessageField field = null;
            String pool = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "sender" -> sender = string(p, value, "sender");
                    case "recipients" -> recipients = recipients(p, value, maxRecipients);
                    case "pool" -> {
                        pool = string(p, value, "pool");
                        if (!pool.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
                            throw ApiException.badRequest("pool: not a pool name: " + quoted(pool));
                        }
                    }
                    case "message", "message_base64" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw ApiException.badRequest(name + ": must be a string");
                        }
                        if (field != null) {
                            throw ApiException.badRequest("message, message_base64: give exactly one of them");
                        }
                        field = name.equals("message") ? MessageField.TEXT : MessageField.BASE64;
                    }
                    // Like unknown keys in the configuration: a misspelt field is an error, not a silent default.
                    default -> throw ApiException.badRequest(quoted(name)
                            + ": unknown field (expected sender, recipients, message, message_base64 or pool)");
                }
            }
            if (p.nextToken() != null) {
                throw ApiException.badRequest("body: unexpected content after the JSON object");
            }
            return validated(sender, recipients, field, maxRecipients, pool);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body: not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("body: cannot be read: " + e.getMessage());
        }
    }

    private static InjectionRequest validated(String sender, List<String> recipients, MessageField field,
                                              int maxRecipients, String pool) {
        if (sender == null) {
            throw ApiException.badRequest("sender: missing (use \"\" for the null sender)");
        }
        if (recipients == null) {
            throw ApiException.badRequest("recipients: missing");
        }
        if (recipients.isEmpty()) {
            throw ApiException.badRequest("recipients: at least one is needed");
        }
        if (field == null) {
            throw ApiException.badRequest("message: missing (give message or message_base64)");
        }
        boolean utf8 = false;
        if (!sender.isEmpty()) {
            utf8 = !mailbox("sender", sender).isAscii();
        }
        for (int i = 0; i < recipients.size(); i++) {
            utf8 |= !recipient("recipients[" + i + "]", recipients.get(i)).isAscii();
        }
        return new InjectionRequest(sender, recipients, utf8, field, pool);
    }

    /** A recipient address as {@code RCPT TO} would take it; throws {@link ApiException} (400) naming {@code field}. */
    static Mailbox recipient(String field, String text) {
        Mailbox recipient = mailbox(field, text);
        if (AddressSyntax.isGeneralAddressLiteral(recipient.domain())) {
            // As RCPT TO answers 553 5.1.3: no next hop can be found for such an address.
            throw ApiException.badRequest(field + ": general address literals are not supported: " + quoted(text));
        }
        return recipient;
    }

    private static String string(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest(field + ": must be a string");
        }
        return p.getText();
    }

    private static List<String> recipients(JsonParser p, JsonToken value, int max) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("recipients: must be an array of strings");
        }
        List<String> recipients = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (recipients.size() == max) {
                throw ApiException.badRequest("recipients: at most " + max + " allowed (smtp.max_recipients)");
            }
            recipients.add(string(p, t, "recipients[" + recipients.size() + "]"));
        }
        return recipients;
    }

    /**
     * One mailbox, by the rules of a {@code RCPT TO} path: the address must come back out of the
     * parser unchanged, so a source route, brackets or ESMTP parameters smuggled into the string are
     * refused rather than stripped.
     */
    static Mailbox mailbox(String field, String text) {
        String reason;
        try {
            PathArgument path = PathArgument.parseForwardPath("TO:<" + text + ">");
            if (path.parameters().isEmpty() && path.mailbox().toString().equals(text)) {
                return path.mailbox();
            }
            reason = "not a bare mailbox";
        } catch (PathSyntaxException e) {
            reason = e.getMessage();
        }
        throw ApiException.badRequest(field + ": not a valid mailbox (" + reason + "): " + quoted(text));
    }

    static String quoted(String text) {
        return "\"" + (text.length() > QUOTED_MAX ? text.substring(0, QUOTED_MAX) + "..." : text) + "\"";
    }
}
