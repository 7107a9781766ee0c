package io.hermod.api;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.hermod.api.BatchRequest.BatchRecipient;
import io.hermod.api.BatchRequest.BuiltContent;
import io.hermod.api.BatchRequest.Content;
import io.hermod.api.BatchRequest.HeaderAddress;
import io.hermod.api.BatchRequest.RawContent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The templates of a batch, compiled once (Mustache, through jmustache), and the message each
 * recipient gets: its values are the request's {@code substitutions}, overlaid with the
 * recipient's own, plus {@code email}, {@code name} and {@code metadata} of the recipient unless a
 * substitution sets them. A variable with no value is an error (never an empty string), reported
 * with the recipient and the template field. HTML bodies escape substituted values; every other
 * template inserts them as they are, but a header value may not render to a line break.
 *
 * <p>Thread-safe once built: a compiled template holds no state between executions.
 */
final class BatchRendering {

    /** The message of one recipient failed to render; {@code field} names the template or the address. */
    static final class RenderException extends RuntimeException {
        final String field;

        RenderException(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }
    }

    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).nullValue("");
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).nullValue("");

    private final Template raw;
    private final Template fromEmail;
    private final Template fromName;
    private final Template replyToEmail;
    private final Template replyToName;
    private final Template subject;
    private final Template text;
    private final Template html;
    private final Map<String, Template> headers = new LinkedHashMap<>();
    private final BuiltContent built;
    private final Map<String, Object> global;

    private BatchRendering(Content content, Map<String, Object> global) {
        this.global = global;
        if (content instanceof RawContent r) {
            this.raw = compile(PLAIN, r.template(), "content");
            this.built = null;
            this.fromEmail = this.fromName = this.replyToEmail = this.replyToName = null;
            this.subject = this.text = this.html = null;
            return;
        }
        BuiltContent b = (BuiltContent) content;
        this.raw = null;
        this.built = b;
        this.fromEmail = compile(PLAIN, b.from().email(), "content.from.email");
        this.fromName = optional(PLAIN, b.from().name(), "content.from.name");
        this.replyToEmail = b.replyTo() == null ? null : compile(PLAIN, b.replyTo().email(), "content.reply_to.email");
        this.replyToName = b.replyTo() == null ? null : optional(PLAIN, b.replyTo().name(), "content.reply_to.name");
        this.subject = compile(PLAIN, b.subject(), "content.subject");
        this.text = optional(PLAIN, b.textBody(), "content.text_body");
        this.html = optional(HTML, b.htmlBody(), "content.html_body");
        b.headers().forEach((name, value) -> headers.put(name, compile(PLAIN, value, "content.headers." + name)));
    }

    /** Compiles every template of the request; a template that does not compile is a 400 naming its field. */
    static BatchRendering of(BatchRequest request) {
        return new BatchRendering(request.content(), request.substitutions());
    }

    /**
     * Writes the message of {@code recipient} (without the Received header Hermod prepends) to {@code out}.
     *
     * @param messageId the Message-ID to give a built message, without angle brackets
     * @throws RenderException when a variable has no value or a header would span lines
     */
    void render(BatchRecipient recipient, String messageId, long dateMillis, OutputStream out) throws IOException {
        Map<String, Object> values = values(recipient);
        if (raw != null) {
            out.write(execute(raw, values, "content").getBytes(StandardCharsets.UTF_8));
            return;
        }
        MimeBuilder.Parts parts = new MimeBuilder.Parts(
                new MimeBuilder.Address(headerValue(fromEmail, values, "content.from.email"),
                        fromName == null ? null : headerValue(fromName, values, "content.from.name")),
                replyToEmail == null ? null : new MimeBuilder.Address(
                        headerValue(replyToEmail, values, "content.reply_to.email"),
                        replyToName == null ? null : headerValue(replyToName, values, "content.reply_to.name")),
                new MimeBuilder.Address(recipient.email(), recipient.name()),
                headerValue(subject, values, "content.subject"),
                text == null ? null : execute(text, values, "content.text_body"),
                html == null ? null : execute(html, values, "content.html_body"),
                renderedHeaders(values), built.attachments(), messageId, dateMillis);
        try {
            MimeBuilder.write(parts, out);
        } catch (IllegalArgumentException e) {
            throw new RenderException("content", e.getMessage());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Map<String, String> renderedHeaders(Map<String, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, template) -> out.put(name, headerValue(template, values, "content.headers." + name)));
        return out;
    }

    private Map<String, Object> values(BatchRecipient recipient) {
        Map<String, Object> values = new HashMap<>(global);
        values.putAll(recipient.substitutions());
        values.putIfAbsent("email", recipient.email());
        values.putIfAbsent("name", recipient.name() == null ? "" : recipient.name());
        values.putIfAbsent("metadata", recipient.metadata());
        return values;
    }

    private static String headerValue(Template template, Map<String, Object> values, String field) {
        String value = execute(template, values, field);
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new RenderException(field, "renders to a value with a line break");
        }
        return value;
    }

    private static String execute(Template template, Map<String, Object> values, String field) {
        try {
            return template.execute(values);
        } catch (MustacheException.Context e) {
            throw new RenderException(field, "no value for \"" + e.key + "\" (line " + e.lineNo + ")");
        } catch (MustacheException e) {
            throw new RenderException(field, e.getMessage());
        }
    }

    private static Template optional(Mustache.Compiler compiler, String source, String field) {
        return source == null ? null : compile(compiler, source, field);
    }

    private static Template compile(Mustache.Compiler compiler, String source, String field) {
        try {
            return compiler.compile(source);
        } catch (MustacheException e) {
            throw ApiException.badRequest(field + ": not a valid Mustache template: " + e.getMessage());
        }
    }
}
