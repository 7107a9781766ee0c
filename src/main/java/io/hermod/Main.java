package io.hermod;

import io.hermod.config.ConfigException;
import io.hermod.dkim.KeyGenCommand;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.intake.UserFile;
import io.hermod.spool.SpoolException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar hermod.jar [--config FILE]}. Exit codes: 0 after a clean stop, 2 for a
 * configuration error (one line naming the key, also for a certificate, key or user file that does
 * not load), 1 when Hermod cannot start for another reason.
 * {@code java -jar hermod.jar passwd USER [SENDERS]} prints a line for {@code auth.users};
 * {@code java -jar hermod.jar dkim keygen ...} writes a DKIM key and prints its DNS record.
 */
public final class Main {

    static final String USAGE = "usage: java -jar hermod.jar [--config FILE] | passwd USER [SENDERS] | "
            + KeyGenCommand.USAGE;

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        // A TLS 1.2 client may not renegotiate: each renegotiation costs the server a handshake.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        if (args.length > 0 && args[0].equals("passwd")) {
            passwd(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 1 && args[0].equals("dkim") && args[1].equals("keygen")) {
            int code = KeyGenCommand.run(Arrays.asList(args).subList(2, args.length), System.out, System.err);
            if (code != 0) {
                System.exit(code);
            }
            return;
        }
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
        } catch (ConfigException e) {
            // A certificate, key or user file that exists but does not load.
            fail(2, e.getMessage());
        } catch (Hermod.StartupException | SpoolException e) {
            fail(1, "hermod: cannot start: " + e.getMessage());
        }
        Hermod running = hermod;
        installSignalHandling(running);
        System.out.println("hermod: smtp listening on " + running.smtpAddresses().get(0).host() + ":"
                + running.smtpPort() + ", http on " + config.http().listen().host() + ":" + running.httpPort()
                + ", spool " + config.spool().path());
        if (running.submissionPort() >= 0) {
            System.out.println("hermod: submission listening on port " + running.submissionPort());
        }
        if (running.submissionsPort() >= 0) {
            System.out.println("hermod: submissions listening on port " + running.submissionsPort());
        }
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
                try {
                    hermod.drain();
                } finally {
                    System.exit(0); // whatever went wrong in the drain, the spool already holds the truth
                }
            }, "hermod-drain");
            drain.start();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(hermod::close, "hermod-shutdown"));
        // SIGHUP reloads the certificate, key and user files now (they are also polled for changes).
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    signal -> hermod.reload());
        } catch (IllegalArgumentException e) {
            // The JVM keeps SIGHUP (-Xrs): changed files are still picked up by polling.
        }
    }

    /**
     * {@code passwd USER [SENDERS]}: reads the password (twice from a terminal, else one line of
     * standard input) and prints {@code user:bcrypt-hash[:senders]} for {@code auth.users}.
     * SENDERS is a comma-separated list of addresses, domains or {@code *}; without it the user may
     * authenticate but send only with the null sender.
     */
    private static void passwd(String[] args) {
        if (args.length < 1 || args.length > 2) {
            fail(2, "passwd: needs a user name and optionally the senders it may use; " + USAGE);
        }
        List<String> senders = args.length == 2 ? UserFile.splitSenders(args[1]) : List.of();
        String password = readPassword(args[0]);
        if (password == null || password.isEmpty()) {
            fail(2, "passwd: no password given");
        }
        try {
            System.out.println(UserFile.line(args[0], password, senders));
        } catch (IllegalArgumentException e) {
            fail(2, "passwd: " + e.getMessage());
        }
        if (senders.isEmpty()) {
            System.err.println("passwd: no senders given: " + args[0] + " may send only with MAIL FROM:<>"
                    + " (add domains or addresses, or * for any, after a third colon)");
        }
    }

    private static String readPassword(String user) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                fail(2, "passwd: the passwords differ");
            }
            return new String(first);
        }
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            fail(2, "passwd: cannot read the password: " + e.getMessage());
            return null;
        }
    }

    private static void fail(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}
