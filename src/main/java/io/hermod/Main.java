package io.hermod;

import io.hermod.config.ConfigException;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.spool.SpoolException;
import java.nio.file.Path;

/**
 * {@code java -jar hermod.jar [--config FILE]}. Exit codes: 0 after a clean stop, 2 for a
 * configuration error (one line naming the key), 1 when Hermod cannot start for another reason.
 */
public final class Main {

    static final String USAGE = "usage: java -jar hermod.jar [--config FILE]";

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        fail(2, "--config: needs a file name");
                    }
                    file = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> fail(2, args[i] + ": unknown argument; " + USAGE);
            }
        }
        HermodConfig config = null;
        try {
            config = ConfigLoader.load(file, System.getenv());
        } catch (ConfigException e) {
            fail(2, e.getMessage());
        }
        Hermod hermod = null;
        try {
            hermod = Hermod.start(config);
        } catch (Hermod.StartupException | SpoolException e) {
            fail(1, "hermod: cannot start: " + e.getMessage());
        }
        Hermod running = hermod;
        installSignalHandling(running);
        System.out.println("hermod: smtp listening on " + running.smtpAddresses().get(0).host() + ":"
                + running.smtpPort() + ", http on " + config.http().listen().host() + ":" + running.httpPort()
                + ", spool " + config.spool().path());
        System.out.flush();
    }

    /**
     * SIGTERM drains (Kubernetes sends it before stopping a pod) and exits 0; a second SIGTERM exits
     * at once. Exiting at any point loses nothing accepted: the spool is the truth, and whatever was
     * not finished is still pending there. SIGINT and other exits run the plain close.
     */
    @SuppressWarnings("removal")
    private static void installSignalHandling(Hermod hermod) {
        java.util.concurrent.atomic.AtomicBoolean terminating = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
            if (!terminating.compareAndSet(false, true)) {
                System.err.println("hermod: second SIGTERM, exiting now");
                Runtime.getRuntime().halt(0);
            }
            Thread drain = new Thread(() -> {
                hermod.drain();
                System.exit(0);
            }, "hermod-drain");
            drain.start();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(hermod::close, "hermod-shutdown"));
    }

    private static void fail(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}
