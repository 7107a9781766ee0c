package io.hermod.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dkimpy (python3-dkim) as the independent verifier: every DKIM signature of each message
 * file is checked with the public key fetched over DNS from a test dnsmasq on {@code dnsPort}.
 */
public final class Dkimpy {

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Dkimpy() {
    }

    /** Whether /usr/bin/python3 has dkimpy, dnspython and nacl (for Ed25519). */
    public static boolean available() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import dkim, dns.resolver, nacl")
                .redirectErrorStream(true).start();
        return probe.waitFor() == 0;
    }

    /** File name to one result per signature, in header order; a message without signatures has none. */
    public static Map<String, List<Boolean>> verify(Path workDir, int dnsPort, List<Path> files)
            throws IOException, InterruptedException {
        Path script = workDir.resolve("verify.py");
        try (InputStream in = Dkimpy.class.getResourceAsStream("/io/hermod/dkim/verify.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), String.valueOf(dnsPort)));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("dkimpy failed: " + out);
        }
        Map<String, List<Boolean>> results = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] words = line.strip().split(" ");
            results.put(Path.of(words[0]).getFileName().toString(),
                    Arrays.stream(words).skip(1).map(Boolean::parseBoolean).toList());
        }
        return results;
    }
}
