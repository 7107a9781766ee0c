package io.hermod.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running {@code target/hermod.jar} (the server or {@code hermod sink}) for
 * {@link QueueScale}. Unlike {@code support.HermodProcess} its output goes to files in the run's
 * directory, not to lists in this JVM: a server whose next hop is down logs a line per refused
 * connection, and a million-message run must not grow the benchmark's own heap with them.
 */
final class ChildJvm implements AutoCloseable {

    /** The heap line of {@code GC.heap_info}: G1's "garbage-first heap total 1048576K, used 12345K", or one per generation. */
    private static final Pattern HEAP_USED = Pattern.compile("^\\s*(\\S.*?)\\s+total \\d+K, used (\\d+)K");

    private final String name;
    private final Process process;
    private final Path out;

    private ChildJvm(String name, Process process, Path out) {
        this.name = name;
        this.process = process;
        this.out = out;
    }

    /** Starts {@code java jvmOptions -jar target/hermod.jar args}, stdout and stderr appended to {@code dir/name.out}. */
    static ChildJvm start(String name, Path dir, List<String> jvmOptions, List<String> args) throws IOException {
        Path jar = Path.of("target/hermod.jar");
        if (!Files.isRegularFile(jar)) {
            throw new BenchFailure("target/hermod.jar is missing: run 'mvn -o -q -DskipTests test-compile package'"
                    + " (or bench/queue-scale.sh, which builds it)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        Path out = dir.resolve(name + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("HERMOD_") || k.equals("JAVA_TOOL_OPTIONS"));
        Process process = builder.start();
        return new ChildJvm(name, process, out);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Fails with the end of the child's output if it has exited. */
    void checkAlive(String during) {
        if (!process.isAlive()) {
            throw new BenchFailure(name + " (pid " + pid() + ") exited with " + process.exitValue() + " during "
                    + during + "; last lines of " + out + ":\n" + tail(20));
        }
    }

    /** Waits until a line of the output matches; fails if the child exits or the time runs out. */
    Matcher awaitLine(Pattern pattern, long seconds, String during) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String line : lines()) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            checkAlive(during);
            if (System.nanoTime() > deadline) {
                throw new BenchFailure(name + ": no line matching '" + pattern + "' within " + seconds + " s during "
                        + during + "; last lines of " + out + ":\n" + tail(20));
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL, as a crashing pod gets it: nothing but what is on disk survives. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new BenchFailure(name + " (pid " + pid() + ") still alive 30 s after SIGKILL");
        }
    }

    /** Live heap: a full GC ({@code jcmd GC.run}), then the used figure of {@code GC.heap_info}, in bytes. */
    long heapUsedAfterFullGc() throws IOException, InterruptedException {
        checkAlive("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        long usedKiB = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find() && !m.group(1).startsWith("Metaspace") && !m.group(1).startsWith("class space")) {
                usedKiB += Long.parseLong(m.group(2)); // one line for G1, young + old for the serial and parallel collectors
                found = true;
            }
        }
        if (!found) {
            throw new BenchFailure("cannot read the used heap in jcmd " + pid() + " GC.heap_info:\n" + info);
        }
        return usedKiB * 1024;
    }

    /** VmRSS of /proc/PID/status, in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new BenchFailure("no VmRSS in /proc/" + pid() + "/status");
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid()), command)
                .redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new BenchFailure("jcmd " + pid() + " " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private List<String> lines() throws IOException {
        return Files.isRegularFile(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
    }

    /** The last {@code n} lines of the output. */
    String tail(int n) {
        try {
            List<String> all = lines();
            return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
        } catch (IOException e) {
            return "(cannot read " + out + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
