package io.hermod.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Builds the {@code hermod} command line and runs it. Errors in the command line are one line on
 * standard error and exit code 2, as a bad configuration is; picocli's usage text is for
 * {@code --help}.
 */
public final class Cli {

    /** Exit code of a bad command line or configuration. */
    public static final int USAGE = 2;
    /** Exit code when the work itself failed (API refused or unreachable, server did not start). */
    public static final int FAILED = 1;

    private Cli() {
    }

    /**
     * Runs {@code args}; returns the exit code. {@code env} is where tokens and {@code HERMOD_*}
     * overrides come from (the process environment in {@code main}, a map in tests).
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return commandLine(out, err, env).execute(args);
    }

    /** True once {@code serve} has started a server in this JVM. */
    public static boolean serving() {
        return ServeCommand.SERVING.get();
    }

    static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
        Io io = new Io(out, err, env);
        CommandLine cli = new CommandLine(new HermodCommand(io))
                .addSubcommand(new ServeCommand(io))
                .addSubcommand(new CommandLine(new ConfigCommand()).addSubcommand(new ConfigCommand.Check(io)))
                .addSubcommand(new CommandLine(new QueueCommand())
                        .addSubcommand(new QueueCommand.ListQueues(io))
                        .addSubcommand(new QueueCommand.Show(io))
                        .addSubcommand(new QueueCommand.Suspend(io))
                        .addSubcommand(new QueueCommand.Resume(io))
                        .addSubcommand(new QueueCommand.Flush(io))
                        .addSubcommand(new QueueCommand.Delete(io))
                        .addSubcommand(new QueueCommand.Bounce(io)))
                .addSubcommand(new TopCommand(io))
                .addSubcommand(new BenchCommand(io))
                .addSubcommand(new SinkCommand(io))
                .addSubcommand(new PasswdCommand(io))
                .addSubcommand(new CommandLine(new DkimCommand()).addSubcommand(new DkimCommand.KeyGen(io)));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println(oneLine(e));
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CommandFailure failure) {
                err.println(failure.getMessage());
                return failure.exitCode();
            }
            err.println(command.getCommandName() + ": " + e);
            return FAILED;
        });
        return cli;
    }

    /** The message of a command-line error, in the style of a configuration error: what, then why. */
    private static String oneLine(CommandLine.ParameterException e) {
        String prefix = e.getCommandLine().getCommandName().equals("hermod") ? ""
                : e.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^hermod ", "") + ": ";
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return prefix + unmatched.getUnmatched().get(0) + ": unknown argument; see "
                    + e.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help";
        }
        if (e instanceof CommandLine.MissingParameterException missing && missing.getMissing().size() == 1
                && missing.getMissing().get(0).isOption() && e.getMessage().contains("parameter for option")) {
            CommandLine.Model.ArgSpec arg = missing.getMissing().get(0);
            String option = ((CommandLine.Model.OptionSpec) arg).longestName();
            String label = arg.paramLabel();
            return prefix + option + ": needs " + (label.equals("FILE") ? "a file name" : "a value (" + label + ")");
        }
        return prefix + e.getMessage().replace('\n', ' ');
    }

    /** Where a command reads and writes: injected so that tests run commands in-process. */
    record Io(PrintStream out, PrintStream err, Map<String, String> env) {
    }

    /** A command that failed with a message for standard error and an exit code. */
    static final class CommandFailure extends RuntimeException {
        private final int exitCode;

        CommandFailure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
