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
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "hermod-shutdown"));
        System.out.println("hermod: smtp listening on " + running.smtpAddresses().get(0).host() + ":"
                + running.smtpPort() + ", http on " + config.http().listen().host() + ":" + running.httpPort()
                + ", spool " + config.spool().path());
        System.out.flush();
    }

    private static void fail(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}
