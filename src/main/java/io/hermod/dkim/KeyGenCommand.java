package io.hermod.dkim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar hermod.jar dkim keygen --algorithm rsa|ed25519 --domain D --selector S
 * [--bits 2048] [--out FILE]}: writes the private key (PKCS#8 PEM, mode 0600, never over an
 * existing file; default {@code S.D.pem}) and prints the TXT record to publish, in zone-file form
 * with the value split into strings of at most 255 characters (RFC 7208 3.3 style).
 */
public final class KeyGenCommand {

    public static final String USAGE = "dkim keygen --algorithm rsa|ed25519 --domain DOMAIN --selector SELECTOR"
            + " [--bits 1024..4096] [--out FILE]";

    private KeyGenCommand() {
    }

    /** Runs the command; returns the exit code (0, or 2 for bad arguments or a file that cannot be written). */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String algorithm = null;
        String domain = null;
        String selector = null;
        String outFile = null;
        int bits = 2048;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size()) {
                err.println("dkim keygen: " + arg + " needs a value; usage: " + USAGE);
                return 2;
            }
            String value = args.get(++i);
            switch (arg) {
                case "--algorithm" -> algorithm = value.toLowerCase(Locale.ROOT);
                case "--domain" -> domain = value.toLowerCase(Locale.ROOT);
                case "--selector" -> selector = value;
                case "--out" -> outFile = value;
                case "--bits" -> {
                    try {
                        bits = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        err.println("dkim keygen: --bits: not a number: " + value);
                        return 2;
                    }
                }
                default -> {
                    err.println("dkim keygen: unknown option " + arg + "; usage: " + USAGE);
                    return 2;
                }
            }
        }
        if (algorithm == null || domain == null || selector == null) {
            err.println("dkim keygen: --algorithm, --domain and --selector are required; usage: " + USAGE);
            return 2;
        }
        Algorithm alg;
        switch (algorithm) {
            case "rsa", "rsa-sha256" -> alg = Algorithm.RSA_SHA256;
            case "ed25519", "ed25519-sha256" -> alg = Algorithm.ED25519_SHA256;
            default -> {
                err.println("dkim keygen: --algorithm: must be rsa or ed25519, got " + algorithm);
                return 2;
            }
        }
        KeyGen.GeneratedKey key;
        try {
            key = KeyGen.generate(alg, bits);
        } catch (IllegalArgumentException e) {
            err.println("dkim keygen: --bits: " + e.getMessage());
            return 2;
        }
        Path file = Path.of(outFile != null ? outFile : selector + "." + domain + ".pem");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, key.privateKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            err.println("dkim keygen: " + file + " exists; not overwritten");
            return 2;
        } catch (IOException | UnsupportedOperationException e) {
            err.println("dkim keygen: cannot write " + file + ": " + e.getMessage());
            return 2;
        }
        err.println("dkim keygen: private key written to " + file + "; publish this record:");
        out.println(selector + "._domainkey." + domain + ". IN TXT " + quoted(key.dnsTxt()));
        return 0;
    }

    /** The value as one or more quoted strings of at most 255 characters each. */
    static String quoted(String value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            parts.add("\"" + value.substring(i, Math.min(value.length(), i + 255)) + "\"");
        }
        return String.join(" ", parts);
    }
}
