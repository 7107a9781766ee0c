package io.hermod.smtp;

/**
 * One command line split into its verb and the rest. The argument keeps its original case and has
 * the separating space removed; it is empty, never null, when the line was the verb alone.
 */
public record Command(Verb verb, String argument) {

    /** Parses a command line without its line terminator. */
    public static Command parse(String line) {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        return new Command(Verb.of(word), argument.strip());
    }

    public boolean hasArgument() {
        return !argument.isEmpty();
    }
}
