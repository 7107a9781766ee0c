package io.hermod.cli;

import io.hermod.dkim.KeyGenCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code hermod dkim keygen ...}: the key generator of {@link KeyGenCommand}, which parses its own options. */
@Command(name = "dkim", description = "DKIM keys.")
final class DkimCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new Cli.CommandFailure(Cli.USAGE, "dkim: needs a command; usage: hermod " + KeyGenCommand.USAGE);
    }

    @Command(name = "keygen", description = "Write a DKIM private key and print its DNS record. Usage: hermod "
            + KeyGenCommand.USAGE)
    static final class KeyGen implements Callable<Integer> {
        private final Cli.Io io;

        @Unmatched
        List<String> args = new ArrayList<>();

        KeyGen(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            return KeyGenCommand.run(args, io.out(), io.err());
        }
    }
}
