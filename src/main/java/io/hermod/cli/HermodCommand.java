package io.hermod.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hermod [--config FILE] [COMMAND]}: without a command, {@code serve}. */
@Command(name = "hermod", mixinStandardHelpOptions = true, version = "hermod 0.1.0",
        description = "Outbound MTA. Without a command: serve (run the server).",
        footer = {"", "Exit codes: 0 done, 2 bad command line or configuration, 1 anything else."})
final class HermodCommand implements Callable<Integer> {

    private final Cli.Io io;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default conf/hermod.yaml when it exists, else the defaults)")
    Path config;

    HermodCommand(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return ServeCommand.serve(config, io);
    }
}
