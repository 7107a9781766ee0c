package io.hermod.bounce;

import io.hermod.delivery.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts every deferral and bounce into a {@link BounceCategory} by ordered rules over the typed
 * outcome; the first rule that matches wins, and none matching is {@code uncategorized}. The
 * operator's file ({@code bounce.rules}) comes first, the table shipped in the jar
 * ({@code rules.txt} beside this class) after it. {@link #reload} reads the operator's file again
 * when its modification time, size or identity changed; a file that does not parse keeps the rules
 * in force and is logged once (until it changes again). Thread-safe: every shard classifies with
 * the same instance, and the rules are one immutable list behind a volatile field.
 */
public final class Classifier {

    private static final System.Logger LOG = System.getLogger(Classifier.class.getName());
    private static final String SETTING = "bounce.rules";
    private static final List<BounceRule> BUILT_IN = RuleParser.parse("built-in", builtInText());

    private final Path file;
    private volatile List<BounceRule> rules;
    /** The file's stamp when last read, guarded by {@code this}. */
    private Object stamp;

    private Classifier(Path file, List<BounceRule> operatorRules, Object stamp) {
        this.file = file;
        this.rules = combine(operatorRules);
        this.stamp = stamp;
    }

    /** The shipped table only. */
    public static Classifier builtIn() {
        return new Classifier(null, List.of(), null);
    }

    /**
     * The operator's {@code file} (null for none) before the shipped table. A file that cannot be
     * read or parsed throws IllegalArgumentException {@code "bounce.rules: line 3: ..."}.
     */
    public static Classifier load(Path file) {
        if (file == null) {
            return builtIn();
        }
        Object stamp = stamp(file);
        return new Classifier(file, read(file), stamp);
    }

    /**
     * Reads the operator's file again if it changed since it was last read; returns whether new
     * rules are in force. Blocking: call it off the event loop, every few seconds.
     */
    public synchronized boolean reload() {
        if (file == null) {
            return false;
        }
        Object now = stamp(file);
        if (Objects.equals(now, stamp)) {
            return false;
        }
        stamp = now;
        try {
            rules = combine(read(file));
            LOG.log(System.Logger.Level.INFO, SETTING + ": reloaded " + file);
            return true;
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; keeping the rules loaded before");
            return false;
        }
    }

    /** The category of a deferral or bounce; a null outcome is a recipient that expired in the queue. */
    public BounceCategory classify(Outcome outcome) {
        if (outcome == null) {
            return BounceCategory.MESSAGE_EXPIRED;
        }
        String text = textOf(outcome);
        for (BounceRule rule : rules) {
            if (rule.matches(outcome, text)) {
                return rule.category();
            }
        }
        return BounceCategory.UNCATEGORIZED;
    }

    /** The text a rule's regular expression searches: the reply's lines, or what went wrong locally. */
    private static String textOf(Outcome outcome) {
        if (outcome instanceof Outcome.Answered a) {
            return String.join(" ", a.reply().lines());
        }
        String text = outcome.text();
        return text == null ? "" : text;
    }

    private static List<BounceRule> combine(List<BounceRule> operatorRules) {
        List<BounceRule> all = new ArrayList<>(operatorRules);
        all.addAll(BUILT_IN);
        return List.copyOf(all);
    }

    private static List<BounceRule> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(SETTING + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return RuleParser.parse(SETTING, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + ": " + e.getMessage(), e);
        }
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), ""));
        } catch (IOException e) {
            return "missing";
        }
    }

    private static String builtInText() {
        try (InputStream in = Classifier.class.getResourceAsStream("rules.txt")) {
            if (in == null) {
                throw new IllegalStateException("rules.txt missing beside " + Classifier.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
