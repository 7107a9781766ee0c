package io.hermod.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program (openssl, swaks, java -jar) with text on standard input and a time limit. */
public final class ExternalCommand {

    /** How it ended: the exit code and standard output and error, interleaved as the program wrote them. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private ExternalCommand() {
    }

    public static Result run(List<String> command, String stdin, Duration limit) throws IOException, InterruptedException {
        requireInstalled(command.get(0));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HERMOD_"));
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the program did not read its input; its output says why
        }
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not end within " + limit + ": " + output.getNow(""));
        }
        return new Result(process.exitValue(), output.join());
    }

    /** Fails with a clear message when a program the test needs is not installed (.ci/run installs them). */
    public static void requireInstalled(String program) {
        if (program.contains("/")) {
            return;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return;
            }
        }
        throw new IllegalStateException(program + " is not installed; .ci/run installs it (apt-get install "
                + program + ")");
    }

    private static String readAll(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
