package io.hermod.k8s;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@code kubectl kustomize DIR}, when kubectl is on the PATH (CI machines may not have it). */
public final class Kubectl {

    /** The exit code and the combined output of a run. */
    public record Result(int exitCode, String output) {
    }

    private Kubectl() {
    }

    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Optional.of(Path.of(dir, "kubectl"));
            }
        }
        return Optional.empty();
    }

    public static Result kustomize(Path kubectl, Path dir) throws IOException, InterruptedException {
        // Output to a file, so that the timeout holds even if kubectl never closes its stdout.
        Path out = Files.createTempFile("kustomize", ".out");
        try {
            Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
