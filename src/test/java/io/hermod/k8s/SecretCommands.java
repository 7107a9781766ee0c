package io.hermod.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets that a document (the README) tells the operator to create, read from its
 * {@code kubectl ... create secret tls|generic NAME ...} lines (backslash continuations joined):
 * each Secret's name and the keys the command gives it. {@code tls} makes tls.crt and tls.key;
 * {@code generic} makes one key per {@code --from-literal=KEY=...}, {@code --from-file=KEY=PATH}
 * or {@code --from-file=PATH} (the key is then PATH's file name).
 */
public final class SecretCommands {

    private static final Pattern CREATE = Pattern.compile("\\bcreate\\s+secret\\s+(tls|generic)\\s+([a-z0-9][-a-z0-9.]*)");
    private static final Pattern FROM = Pattern.compile("--from-(literal|file)=([^\\s=\"']+)(=?)");

    private SecretCommands() {
    }

    /** Secret name to its keys, for every create command in the text of the section (or whole file). */
    public static Map<String, Set<String>> in(String text) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : text.replace("\\\n", " ").split("\n")) {
            Matcher create = CREATE.matcher(line);
            if (!create.find()) {
                continue;
            }
            Set<String> keys = out.computeIfAbsent(create.group(2), n -> new LinkedHashSet<>());
            if (create.group(1).equals("tls")) {
                keys.add("tls.crt");
                keys.add("tls.key");
                continue;
            }
            // Only this command's own options: a line may go on with "&&" or a comment.
            String rest = line.substring(create.end()).split("&&|;|\\s#")[0];
            Matcher from = FROM.matcher(rest);
            while (from.find()) {
                boolean named = from.group(3).equals("=") || from.group(1).equals("literal");
                keys.add(named ? from.group(2) : Path.of(from.group(2)).getFileName().toString());
            }
        }
        return out;
    }

    /** The text of a Markdown section: from its "## title" line to the next "## " heading. */
    public static String section(Path markdown, String title) {
        String text;
        try {
            text = Files.readString(markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("\n## " + title + "\n");
        if (start < 0) {
            throw new AssertionError(markdown + ": no section \"## " + title + "\"");
        }
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
