package io.hermod.bounce;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a rules file: one rule a line, a category then its conditions, all of which must hold.
 * {@code #} starts a comment line; blank lines are skipped.
 * <pre>
 * invalid-recipient  status=5.1.1
 * spam-related       code=4xx text=unsolicited|blocked using
 * bad-connection     failure=connect
 * </pre>
 * Conditions: {@code code=550} or a range {@code 5xx}/{@code 55x}; {@code status=5.1.1}, {@code 5.1.*}
 * or {@code 5.*}; {@code failure=} a local failure kind ({@code dns connect timeout tls
 * lost_connection protocol spool_read policy}); {@code step=} a client step ({@code connect greeting
 * ehlo helo starttls mail rcpt data message end_of_data rset quit}); {@code text=} a regular
 * expression, case-insensitive, searched in the reply text or the failure's detail: it takes the
 * rest of the line, so it comes last. A rule without conditions matches everything.
 */
final class RuleParser {

    private RuleParser() {
    }

    /**
     * The rules of {@code text}, in order; {@code name} prefixes each rule's source. Throws
     * IllegalArgumentException {@code "line 3: ..."} for the first line that is not a rule.
     */
    static List<BounceRule> parse(String name, String text) {
        List<BounceRule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(rule(line, name + " line " + (i + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    private static BounceRule rule(String line, String source) {
        int end = word(line, 0);
        String label = line.substring(0, end);
        BounceCategory category = BounceCategory.byLabel(label);
        if (category == null) {
            throw new IllegalArgumentException("unknown category \"" + label + "\"");
        }
        int codeMin = -1;
        int codeMax = -1;
        int[] status = {-1, -1, -1};
        Failure failure = null;
        ClientStep step = null;
        Pattern text = null;
        int at = skipSpace(line, end);
        while (at < line.length()) {
            int eq = line.indexOf('=', at);
            int wordEnd = word(line, at);
            if (eq < 0 || eq > wordEnd) {
                throw new IllegalArgumentException("expected name=value, got \"" + line.substring(at, wordEnd) + "\"");
            }
            String key = line.substring(at, eq);
            if (key.equals("text")) {
                text = regex(line.substring(eq + 1));
                break;
            }
            String value = line.substring(eq + 1, wordEnd);
            switch (key) {
                case "code" -> {
                    if (!value.matches("[2-5](\\d\\d|\\dx|xx)")) {
                        throw new IllegalArgumentException("code must be like 550, 55x or 5xx, got \"" + value + "\"");
                    }
                    codeMin = Integer.parseInt(value.replace('x', '0'));
                    codeMax = Integer.parseInt(value.replace('x', '9'));
                }
                case "status" -> status = status(value);
                case "failure" -> failure = named(Failure.class, value, "failure");
                case "step" -> step = named(ClientStep.class, value, "step");
                default -> throw new IllegalArgumentException("unknown condition \"" + key
                        + "\" (expected code, status, failure, step or text)");
            }
            at = skipSpace(line, wordEnd);
        }
        return new BounceRule(category, codeMin, codeMax, status[0], status[1], status[2], failure, step, text, source);
    }

    private static int[] status(String value) {
        if (!value.matches("[245]\\.(\\*|\\d{1,3}\\.(\\*|\\d{1,3}))")) {
            throw new IllegalArgumentException("status must be like 5.1.1, 5.1.* or 5.*, got \"" + value + "\"");
        }
        String[] parts = value.split("\\.");
        int subject = parts[1].equals("*") ? -1 : Integer.parseInt(parts[1]);
        int detail = parts.length < 3 || parts[2].equals("*") ? -1 : Integer.parseInt(parts[2]);
        return new int[] {Integer.parseInt(parts[0]), subject, detail};
    }

    private static <E extends Enum<E>> E named(Class<E> type, String value, String what) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException("unknown " + what + " \"" + value + "\" (expected one of "
                    + String.join(", ", names) + ")");
        }
    }

    private static Pattern regex(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("text needs a regular expression");
        }
        try {
            return Pattern.compile(value.strip(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression: " + e.getDescription() + " near index "
                    + e.getIndex() + " of \"" + value.strip() + "\"");
        }
    }

    private static int word(String line, int from) {
        int i = from;
        while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSpace(String line, int from) {
        int i = from;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }
}
