package io.hermod.bounce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written reader of just enough MIME (RFC 2045, 2046) to take a report apart: a header
 * section with unfolding, a body, multipart bodies split at their boundary, and groups of fields as
 * {@code message/delivery-status} has them. Strict where the builder must be: it fails on a missing
 * boundary or a missing close delimiter instead of guessing.
 */
final class MimeEntity {

    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    final Fields headers;
    final byte[] body;

    private MimeEntity(Fields headers, byte[] body) {
        this.headers = headers;
        this.body = body;
    }

    static MimeEntity parse(byte[] bytes) {
        if (startsWith(bytes, 0, new byte[] {'\r', '\n'})) {
            return new MimeEntity(Fields.parse(""), Arrays.copyOfRange(bytes, 2, bytes.length));
        }
        int blank = indexOf(bytes, CRLF_CRLF, 0);
        if (blank < 0) {
            throw new AssertionError("no empty line ends the header section");
        }
        String head = new String(bytes, 0, blank + 2, StandardCharsets.UTF_8);
        return new MimeEntity(Fields.parse(head), Arrays.copyOfRange(bytes, blank + 4, bytes.length));
    }

    /** The media type, lower case, without parameters. */
    String mediaType() {
        String value = headers.get("Content-Type");
        return value == null ? "text/plain" : value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /** A parameter of Content-Type, unquoted, or null. */
    String parameter(String name) {
        String value = headers.get("Content-Type");
        if (value == null) {
            return null;
        }
        for (String parameter : value.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = parameter.substring(eq + 1).trim();
                return v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** The body parts of a multipart body; the epilogue after the close delimiter must be one CRLF. */
    List<MimeEntity> parts() {
        String boundary = parameter("boundary");
        if (boundary == null) {
            throw new AssertionError("Content-Type has no boundary: " + headers.get("Content-Type"));
        }
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<MimeEntity> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw new AssertionError("no delimiter line for boundary " + boundary);
        }
        while (true) {
            int after = at + delimiter.length;
            if (startsWith(body, after, new byte[] {'-', '-'})) {
                String epilogue = new String(body, after + 2, body.length - after - 2, StandardCharsets.US_ASCII);
                if (!epilogue.equals("\r\n")) {
                    throw new AssertionError("the close delimiter is not followed by exactly CRLF: [" + epilogue + "]");
                }
                return parts;
            }
            if (!startsWith(body, after, new byte[] {'\r', '\n'})) {
                throw new AssertionError("a delimiter line has more than the boundary");
            }
            int next = indexOf(body, delimiter, after + 2);
            if (next < 0) {
                throw new AssertionError("no close delimiter for boundary " + boundary);
            }
            parts.add(parse(Arrays.copyOfRange(body, after + 2, next)));
            at = next;
        }
    }

    /** The body as groups of fields separated by empty lines (RFC 3464 2.1). */
    List<Fields> fieldGroups() {
        List<Fields> groups = new ArrayList<>();
        for (String group : bodyText().split("\r\n\r\n")) {
            groups.add(Fields.parse(group.endsWith("\r\n") ? group : group + "\r\n"));
        }
        return groups;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body decoded as quoted-printable (RFC 2045 6.7) and then as UTF-8. */
    String quotedPrintableText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i++) {
            if (body[i] != '=') {
                out.write(body[i]);
            } else if (body[i + 1] == '\r' && body[i + 2] == '\n') {
                i += 2;
            } else {
                out.write(Integer.parseInt(new String(body, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i + needle.length <= haystack.length; i++) {
            if (startsWith(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        if (at + prefix.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Header fields in order, each unfolded (RFC 5322 2.2.3), looked up without regard to case. */
    static final class Fields {

        private final List<String[]> fields;

        private Fields(List<String[]> fields) {
            this.fields = fields;
        }

        /** Fields from lines that end in CRLF; a line that starts with a space or tab continues the one before. */
        static Fields parse(String text) {
            List<String[]> fields = new ArrayList<>();
            if (!text.isEmpty() && !text.endsWith("\r\n")) {
                throw new AssertionError("a field section does not end in CRLF: " + text);
            }
            for (String line : text.isEmpty() ? new String[0] : text.substring(0, text.length() - 2).split("\r\n", -1)) {
                if (line.startsWith(" ") || line.startsWith("\t")) {
                    if (fields.isEmpty()) {
                        throw new AssertionError("a continuation line opens the section: " + line);
                    }
                    String[] last = fields.get(fields.size() - 1);
                    last[1] = last[1] + line;
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new AssertionError("not a field: [" + line + "]");
                }
                fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1)});
            }
            for (String[] field : fields) {
                field[1] = field[1].strip();
            }
            return new Fields(fields);
        }

        String get(String name) {
            List<String> all = all(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> all(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
        }

        List<String> names() {
            return fields.stream().map(f -> f[0]).toList();
        }
    }
}
