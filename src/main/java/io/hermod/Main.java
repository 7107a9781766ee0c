package io.hermod;

import io.hermod.cli.Cli;

/**
 * {@code java -jar hermod.jar [--config FILE] [COMMAND ...]}: the {@code hermod} command line
 * ({@link io.hermod.cli}). Without a command it runs the server, as it always has; exit codes:
 * 0 after a clean stop, 2 for a configuration or command-line error (one line naming the key or
 * option), 1 when Hermod cannot start or a command fails for another reason.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        // A TLS 1.2 client may not renegotiate: each renegotiation costs the server a handshake.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        int code = Cli.run(args, System.out, System.err, System.getenv());
        // A running server keeps the JVM alive on its own threads; every other command is done.
        if (code != 0 || !Cli.serving()) {
            System.out.flush();
            System.exit(code);
        }
    }
}
