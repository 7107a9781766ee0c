package io.hermod.cli;

import io.hermod.intake.UserFile;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hermod passwd USER [SENDERS]}: reads the password (twice from a terminal, else one line of
 * standard input) and prints {@code user:bcrypt-hash[:senders]} for {@code auth.users}. SENDERS is
 * a comma-separated list of addresses, domains or {@code *}; without it the user may authenticate
 * but send only with the null sender.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Print an auth.users line; the password is read from the terminal or one line of stdin.")
final class PasswdCommand implements Callable<Integer> {

    private final Cli.Io io;

    @Parameters(arity = "0..*", paramLabel = "USER [SENDERS]", description = "user name, then allowed senders")
    List<String> args = List.of();

    PasswdCommand(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (args.isEmpty() || args.size() > 2) {
            throw new Cli.CommandFailure(Cli.USAGE, "passwd: needs a user name and optionally the senders it may use;"
                    + " usage: hermod passwd USER [SENDERS]");
        }
        String user = args.get(0);
        List<String> senders = args.size() == 2 ? UserFile.splitSenders(args.get(1)) : List.of();
        String password = readPassword(user);
        if (password == null || password.isEmpty()) {
            throw new Cli.CommandFailure(Cli.USAGE, "passwd: no password given");
        }
        try {
            io.out().println(UserFile.line(user, password, senders));
        } catch (IllegalArgumentException e) {
            throw new Cli.CommandFailure(Cli.USAGE, "passwd: " + e.getMessage());
        }
        if (senders.isEmpty()) {
            io.err().println("passwd: no senders given: " + user + " may send only with MAIL FROM:<>"
                    + " (add domains or addresses, or * for any, after a third colon)");
        }
        return 0;
    }

    private static String readPassword(String user) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new Cli.CommandFailure(Cli.USAGE, "passwd: the passwords differ");
            }
            return new String(first);
        }
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new Cli.CommandFailure(Cli.USAGE, "passwd: cannot read the password: " + e.getMessage());
        }
    }
}
