package io.hermod.cli;

import io.hermod.Hermod;
import io.hermod.config.ConfigException;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.spool.SpoolException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hermod serve [--config FILE]}: starts Hermod and returns; the server runs on Vert.x's
 * threads until SIGTERM (drain) or another exit. Exit 2 for a configuration error (one line naming
 * the key, also for a certificate, key or user file that does not load), 1 when it cannot start.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server (the default command).")
final class ServeCommand implements Callable<Integer> {

    /** Set once a server runs in this JVM: {@code main} must then not exit when the command returns. */
    static final AtomicBoolean SERVING = new AtomicBoolean();

    private final Cli.Io io;

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default conf/hermod.yaml)")
    Path config;

    ServeCommand(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return serve(config, io);
    }

    static int serve(Path file, Cli.Io io) {
        HermodConfig config;
        try {
            config = ConfigLoader.load(file, io.env());
        } catch (ConfigException e) {
            throw new Cli.CommandFailure(Cli.USAGE, e.getMessage());
        }
        Hermod running;
        try {
            running = Hermod.start(config);
        } catch (ConfigException e) {
            throw new Cli.CommandFailure(Cli.USAGE, e.getMessage());
        } catch (Hermod.StartupException | SpoolException e) {
            throw new Cli.CommandFailure(Cli.FAILED, "hermod: cannot start: " + e.getMessage());
        }
        SERVING.set(true);
        installSignalHandling(running);
        io.out().println("hermod: smtp listening on " + running.smtpAddresses().get(0).host() + ":"
                + running.smtpPort() + ", http on " + config.http().listen().host() + ":" + running.httpPort()
                + ", spool " + config.spool().path());
        if (running.submissionPort() >= 0) {
            io.out().println("hermod: submission listening on port " + running.submissionPort());
        }
        if (running.submissionsPort() >= 0) {
            io.out().println("hermod: submissions listening on port " + running.submissionsPort());
        }
        io.out().flush();
        return 0;
    }

    /**
     * SIGTERM drains (Kubernetes sends it before stopping a pod) and exits 0; a second SIGTERM exits
     * at once. Exiting at any point loses nothing accepted: the spool is the truth, and whatever was
     * not finished is still pending there. SIGINT and other exits run the plain close.
     */
    @SuppressWarnings("removal")
    private static void installSignalHandling(Hermod hermod) {
        AtomicBoolean terminating = new AtomicBoolean();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
            if (!terminating.compareAndSet(false, true)) {
                System.err.println("hermod: second SIGTERM, exiting now");
                Runtime.getRuntime().halt(0);
            }
            Thread drain = new Thread(() -> {
                try {
                    hermod.drain();
                } finally {
                    System.exit(0); // whatever went wrong in the drain, the spool already holds the truth
                }
            }, "hermod-drain");
            drain.start();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(hermod::close, "hermod-shutdown"));
        // SIGHUP reloads the certificate, key and user files and the shaping file now (they are also polled for changes).
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    signal -> hermod.reload());
        } catch (IllegalArgumentException e) {
            // The JVM keeps SIGHUP (-Xrs): changed files are still picked up by polling.
        }
    }
}
