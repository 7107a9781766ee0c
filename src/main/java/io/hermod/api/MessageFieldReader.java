package io.hermod.api;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * Streams the message text of an injection request into an {@link OutputStream}: a
 * {@code message} string as UTF-8, a {@code message_base64} string decoded. The request body has
 * already been parsed once by {@link InjectionRequest}; this second pass skips to the field and
 * hands its bytes on as they are decoded, so no {@code byte[]} of the whole message is built.
 */
final class MessageFieldReader {

    /** Standard alphabet (RFC 4648 4); padding optional; whitespace between quads is skipped. */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withPaddingAllowed();

    private MessageFieldReader() {
    }

    /**
     * @param tooLarge what to throw when the text alone is longer than the JSON parser lets a string
     *                 be, which is set to the message size limit
     */
    static void copy(JsonFactory json, Buffer body, InjectionRequest.MessageField field, OutputStream out,
                     Supplier<ApiException> tooLarge) {
        try (JsonParser p = json.createParser(new BufferInputStream(body))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals(field.key)) {
                    if (field == InjectionRequest.MessageField.TEXT) {
                        Utf8Writer writer = new Utf8Writer(out);
                        p.getText(writer);
                        writer.close();
                    } else {
                        p.readBinaryValue(BASE64, out);
                    }
                    return;
                }
                p.skipChildren();
            }
            throw new IllegalStateException(field.key + " vanished between the two parses");
        } catch (StreamConstraintsException e) {
            throw tooLarge.get();
        } catch (JsonProcessingException e) {
            String what = field == InjectionRequest.MessageField.BASE64 ? "not valid base64" : "cannot be read";
            throw ApiException.badRequest(field.key + ": " + what + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            // Jackson reports a bad base64 character this way rather than as a parse error.
            throw ApiException.badRequest(field.key + ": not valid base64: " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest(field.key + ": cannot be read: " + e.getMessage());
        }
    }
}
