package io.hermod.cli;

import io.hermod.bounce.Classifier;
import io.hermod.config.ConfigException;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.dkim.ConfiguredKeys;
import io.hermod.shaping.ShapingException;
import io.hermod.shaping.ShapingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hermod config check FILE}. */
@Command(name = "config", description = "Configuration.")
final class ConfigCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new Cli.CommandFailure(Cli.USAGE, "config: needs a command; usage: hermod config check FILE");
    }

    /**
     * Checks a configuration as start-up would, without starting anything: every key and value
     * (with the {@code HERMOD_*} overrides of the environment), the bounce rules and the DKIM keys.
     * Prints {@code FILE: ok}, or the one line start-up would print, with exit code 2.
     */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file (and HERMOD_* overrides) without starting.")
    static final class Check implements Callable<Integer> {
        private final Cli.Io io;

        @Parameters(paramLabel = "FILE", description = "the configuration file")
        Path file;

        Check(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            if (!Files.isReadable(file)) {
                throw new Cli.CommandFailure(Cli.USAGE, "config: cannot read " + file);
            }
            try {
                HermodConfig config = ConfigLoader.load(file, io.env());
                config.bounce().rules().ifPresent(Classifier::load);
                if (!config.dkim().domains().isEmpty() || config.dkim().defaultSigner().isPresent()) {
                    ConfiguredKeys.load(config.dkim());
                }
                if (config.shaping().path().isPresent()) {
                    ShapingStore.load(config.shaping().path(), ShapingStore.Base.of(20, 1000, 100, 1024));
                }
            } catch (ShapingException e) {
                throw new Cli.CommandFailure(Cli.USAGE, ShapingStore.SETTING + ": " + e.getMessage());
            } catch (ConfigException | IllegalArgumentException e) {
                throw new Cli.CommandFailure(Cli.USAGE, e.getMessage());
            }
            io.out().println(file + ": ok");
            return 0;
        }
    }
}
