package io.hermod.api;

import io.hermod.smtp.Mailbox;
import io.hermod.spool.MessageTags;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /api/v1/inject} request as received: who sends, to whom (each recipient with its own
 * substitutions), the content to render for each, and the tags. {@link #parse} checks the shape of
 * the request and answers 400 naming the first field at fault; what depends on a single recipient
 * (its address, its substitutions) is checked per recipient by {@link BatchRendering}, so that one
 * request can report every bad recipient at once.
 *
 * @param sender        the envelope sender without brackets, "" for the null sender
 * @param substitutions values for every recipient's message
 * @param content       what each message is made of
 * @param deferred      answer 202 once the request is stored, and expand it in the background
 */
record BatchRequest(String sender, List<BatchRecipient> recipients, Map<String, Object> substitutions,
                    Content content, MessageTags tags, boolean deferred) {

    /** One recipient: its address, optional display name, and the values its message is rendered with. */
    record BatchRecipient(String email, String name, Map<String, Object> substitutions, Map<String, Object> metadata) {
    }

    /** The content of every message: a raw RFC 5322 template, or the parts to build a MIME message from. */
    sealed interface Content permits RawContent, BuiltContent {
    }

    record RawContent(String template) implements Content {
    }

    /** An address in a header: an email (a template) and an optional display name (a template). */
    record HeaderAddress(String email, String name) {
    }

    record Attachment(String fileName, String contentType, byte[] data) {
    }

    /** Every string but the attachments' is a template; at least one of the bodies is present. */
    record BuiltContent(HeaderAddress from, HeaderAddress replyTo, String subject, String textBody, String htmlBody,
                        Map<String, String> headers, List<Attachment> attachments) implements Content {
    }

    private static final Set<String> FIELDS = Set.of("envelope_sender", "recipients", "substitutions", "content",
            "template_dialect", "pool", "tenant", "campaign", "deferred");
    private static final Set<String> RECIPIENT_FIELDS = Set.of("email", "name", "substitutions", "metadata");
    private static final Set<String> CONTENT_FIELDS = Set.of("from", "reply_to", "subject", "text_body", "html_body",
            "headers", "attachments");
    private static final Set<String> ADDRESS_FIELDS = Set.of("email", "name");
    private static final Set<String> ATTACHMENT_FIELDS = Set.of("file_name", "content_type", "data");
    /** Header fields the builder writes itself; a template may not set them through {@code headers}. */
    private static final Set<String> RESERVED_HEADERS = Set.of("from", "reply-to", "to", "subject", "date",
            "message-id", "mime-version", "content-type", "content-transfer-encoding");

    BatchRequest {
        recipients = List.copyOf(recipients);
    }

    /**
     * Parses and checks the request's shape; throws {@link ApiException} 400 naming the field, or 413
     * when it names more than {@code maxRecipients} recipients ({@code http.inject.max_recipients}).
     */
    static BatchRequest parse(Buffer body, int maxRecipients) {
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw ApiException.badRequest("body: not a JSON object: " + firstLine(e.getMessage()));
        }
        unknown(json.getMap(), FIELDS, "");
        String sender = string(json.getMap(), "envelope_sender", "envelope_sender", true);
        if (!sender.isEmpty()) {
            InjectionRequest.mailbox("envelope_sender", sender);
        }
        String dialect = string(json.getMap(), "template_dialect", "template_dialect", false);
        if (dialect != null && !dialect.equals("mustache")) {
            throw ApiException.badRequest("template_dialect: only \"mustache\" is supported, got "
                    + InjectionRequest.quoted(dialect));
        }
        Object list = json.getMap().get("recipients");
        if (!(list instanceof List<?> items)) {
            throw ApiException.badRequest("recipients: " + (list == null ? "missing" : "must be an array of objects"));
        }
        if (items.isEmpty()) {
            throw ApiException.badRequest("recipients: at least one is needed");
        }
        if (items.size() > maxRecipients) {
            throw new ApiException(413, "recipients: " + items.size() + " given, at most " + maxRecipients
                    + " allowed (http.inject.max_recipients)");
        }
        List<BatchRecipient> recipients = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            recipients.add(recipient(items.get(i), "recipients[" + i + "]"));
        }
        Map<String, Object> substitutions = object(json.getMap(), "substitutions", "substitutions");
        Content content = content(json.getMap().get("content"));
        MessageTags tags = new MessageTags(tag(json, "tenant"), tag(json, "campaign"), tag(json, "pool"));
        Object deferred = json.getMap().getOrDefault("deferred", false);
        if (!(deferred instanceof Boolean)) {
            throw ApiException.badRequest("deferred: must be true or false");
        }
        return new BatchRequest(sender, recipients, substitutions, content, tags, (Boolean) deferred);
    }

    private static BatchRecipient recipient(Object item, String field) {
        if (!(item instanceof Map<?, ?> map)) {
            throw ApiException.badRequest(field + ": must be an object with at least \"email\"");
        }
        Map<String, Object> r = cast(map);
        unknown(r, RECIPIENT_FIELDS, field + ".");
        return new BatchRecipient(string(r, "email", field + ".email", true), string(r, "name", field + ".name", false),
                object(r, "substitutions", field + ".substitutions"), object(r, "metadata", field + ".metadata"));
    }

    private static Content content(Object value) {
        if (value == null) {
            throw ApiException.badRequest("content: missing (a raw message template, or an object with subject and"
                    + " text_body or html_body)");
        }
        if (value instanceof String raw) {
            if (raw.isBlank()) {
                throw ApiException.badRequest("content: is empty");
            }
            return new RawContent(raw);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw ApiException.badRequest("content: must be a string (a raw message template) or an object");
        }
        Map<String, Object> c = cast(map);
        unknown(c, CONTENT_FIELDS, "content.");
        HeaderAddress from = address(c.get("from"), "content.from", true);
        HeaderAddress replyTo = address(c.get("reply_to"), "content.reply_to", false);
        String subject = string(c, "subject", "content.subject", true);
        String text = string(c, "text_body", "content.text_body", false);
        String html = string(c, "html_body", "content.html_body", false);
        if (text == null && html == null) {
            throw ApiException.badRequest("content.text_body, content.html_body: give at least one of them");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        object(c, "headers", "content.headers").forEach((name, v) -> {
            String field = "content.headers." + name;
            if (!isFieldName(name)) {
                throw ApiException.badRequest(field + ": not a header field name");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw ApiException.badRequest(field + ": set by Hermod from the other content fields");
            }
            if (!(v instanceof String s)) {
                throw ApiException.badRequest(field + ": must be a string");
            }
            headers.put(name, s);
        });
        return new BuiltContent(from, replyTo, subject, text, html, headers, attachments(c.get("attachments")));
    }

    private static List<Attachment> attachments(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw ApiException.badRequest("content.attachments: must be an array of objects");
        }
        List<Attachment> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String field = "content.attachments[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> map)) {
                throw ApiException.badRequest(field + ": must be an object with file_name, content_type and data");
            }
            Map<String, Object> a = cast(map);
            unknown(a, ATTACHMENT_FIELDS, field + ".");
            String name = string(a, "file_name", field + ".file_name", true);
            String type = string(a, "content_type", field + ".content_type", true);
            if (!type.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
                throw ApiException.badRequest(field + ".content_type: not a media type: " + InjectionRequest.quoted(type));
            }
            byte[] data;
            try {
                // Line breaks and spaces are allowed (MIME wraps base64); anything else outside the alphabet is not.
                data = Base64.getDecoder().decode(string(a, "data", field + ".data", true).replaceAll("[\\s]", ""));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(field + ".data: not base64: " + e.getMessage());
            }
            out.add(new Attachment(name, type, data));
        }
        return out;
    }

    private static HeaderAddress address(Object value, String field, boolean required) {
        if (value == null) {
            if (required) {
                throw ApiException.badRequest(field + ": missing (an object with email and optionally name)");
            }
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw ApiException.badRequest(field + ": must be an object with email and optionally name");
        }
        Map<String, Object> a = cast(map);
        unknown(a, ADDRESS_FIELDS, field + ".");
        return new HeaderAddress(string(a, "email", field + ".email", true), string(a, "name", field + ".name", false));
    }

    private static String tag(JsonObject json, String name) {
        String value = string(json.getMap(), name, name, false);
        if (value != null && (value.length() > 256 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw ApiException.badRequest(name + ": at most 256 characters, no control characters");
        }
        return value;
    }

    private static String string(Map<String, Object> map, String key, String field, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            if (required) {
                throw ApiException.badRequest(field + ": missing");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw ApiException.badRequest(field + ": must be a string");
        }
        return s;
    }

    private static Map<String, Object> object(Map<String, Object> map, String key, String field) {
        Object value = map.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw ApiException.badRequest(field + ": must be an object");
        }
        return cast(m);
    }

    private static void unknown(Map<String, Object> map, Set<String> known, String prefix) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                // Like unknown keys in the configuration: a misspelt field is an error, not a silent default.
                throw ApiException.badRequest(prefix + InjectionRequest.quoted(key) + ": unknown field (expected "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** RFC 5322 field name: printable ASCII but the colon. */
    private static boolean isFieldName(String name) {
        return !name.isEmpty() && name.length() <= 76 && name.chars().allMatch(c -> c > 32 && c < 127 && c != ':');
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be parsed";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The envelope sender needs no SMTPUTF8 (the null sender needs none). */
    boolean senderIsAscii() {
        return sender.isEmpty() || Mailbox.isAscii(sender);
    }
}
