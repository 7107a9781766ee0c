package io.hermod.api;

import io.hermod.spool.Suppression;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suppression list as CSV (RFC 4180): a header line {@value #HEADER}, then one entry per
 * record with the same fields and values as the JSON lines form ({@link SuppressionRoutes#json});
 * a field with a comma, a double quote or a line break is quoted, quotes doubled; an absent expiry
 * is an empty field. On import the header line is optional (without it the columns are in the
 * order above), columns may come in any order when it is there, and empty fields take the JSON
 * form's defaults, so a one-column file of addresses is a valid import.
 */
final class SuppressionCsv {

    static final String HEADER = "address,scope,reason,added,expires";
    private static final List<String> COLUMNS = List.of(HEADER.split(","));

    private SuppressionCsv() {
    }

    /** One record, CRLF-terminated. */
    static String record(Suppression entry) {
        JsonObject json = SuppressionRoutes.json(entry);
        StringBuilder sb = new StringBuilder(96);
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String value = json.getString(COLUMNS.get(i));
            sb.append(value == null ? "" : quote(value));
        }
        return sb.append("\r\n").toString();
    }

    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /** Every record as an entry; the first bad one is a 400 naming the line it starts on. */
    static List<Suppression> parse(String text, long nowMillis) {
        List<Record> records = records(text);
        List<String> columns = COLUMNS;
        int first = 0;
        if (!records.isEmpty() && records.get(0).fields.get(0).strip().equalsIgnoreCase("address")) {
            columns = new ArrayList<>();
            for (String name : records.get(0).fields) {
                String column = name.strip().toLowerCase(Locale.ROOT);
                if (!COLUMNS.contains(column) || columns.contains(column)) {
                    throw ApiException.badRequest("line 1: unknown or repeated column \"" + column + "\" (columns: "
                            + HEADER + ")");
                }
                columns.add(column);
            }
            first = 1;
        }
        List<Suppression> entries = new ArrayList<>();
        for (Record r : records.subList(first, records.size())) {
            if (r.fields.size() == 1 && r.fields.get(0).isBlank()) {
                continue;
            }
            if (r.fields.size() > columns.size()) {
                throw ApiException.badRequest("line " + r.line + ": " + r.fields.size() + " fields, at most "
                        + columns.size() + " (" + String.join(",", columns) + ")");
            }
            JsonObject json = new JsonObject();
            for (int i = 0; i < r.fields.size(); i++) {
                String value = r.fields.get(i).strip();
                if (!value.isEmpty()) {
                    json.put(columns.get(i), value);
                }
            }
            try {
                entries.add(SuppressionTransfer.entry(json, nowMillis));
            } catch (ApiException e) {
                throw ApiException.badRequest("line " + r.line + ": " + e.getMessage());
            }
        }
        return entries;
    }

    private record Record(int line, List<String> fields) {
    }

    /** RFC 4180 records; a quoted field may span lines. An unterminated quote is a 400. */
    private static List<Record> records(String text) {
        List<Record> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                field.setLength(0);
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                out.add(new Record(recordLine, List.copyOf(fields)));
                fields.clear();
                line++;
                recordLine = line;
            } else {
                field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw ApiException.badRequest("line " + recordLine + ": a quoted field is not closed");
        }
        if (field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            out.add(new Record(recordLine, List.copyOf(fields)));
        }
        return out;
    }
}
