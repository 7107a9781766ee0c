package io.hermod.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hermod in a child JVM started from the packaged {@code target/hermod.jar}, as a user runs it,
 * so tests can SIGKILL it and start it again on the same spool.
 */
public final class HermodProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("hermod: smtp listening on (\\S+):(\\d+), http on (\\S+):(\\d+)");

    private final Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private volatile int smtpPort = -1;
    private volatile int httpPort = -1;

    private HermodProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, true);
        pump(process.getErrorStream(), stderr, false);
    }

    public static Path jar() {
        Path jar = Path.of("target/hermod.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("target/hermod.jar is missing: run 'mvn package' (mvn verify does)");
        }
        return jar;
    }

    /** Starts {@code java -jar target/hermod.jar --config config} with extra environment variables. */
    public static HermodProcess start(Path config, Map<String, String> env) throws IOException {
        return start(config, env, List.of("-Xmx512m"));
    }

    /** As {@link #start(Path, Map)}, with these JVM options (a heap cap, for instance) instead of -Xmx512m. */
    public static HermodProcess start(Path config, Map<String, String> env, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        if (config != null) {
            command.add("--config");
            command.add(config.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("HERMOD_"));
        builder.environment().putAll(env);
        return new HermodProcess(builder.start());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void pump(java.io.InputStream stream, List<String> sink, boolean parse) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (parse && m.find()) {
                        httpPort = Integer.parseInt(m.group(4));
                        smtpPort = Integer.parseInt(m.group(2));
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }, "hermod-child-output");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the start-up line; fails with the child's output if it exits or takes too long. */
    public HermodProcess awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (smtpPort < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hermod exited with " + process.exitValue() + ": " + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hermod did not start within 60 s: " + output());
            }
            Thread.sleep(20);
        }
        return this;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** SIGKILL: no shutdown hook, no flush, nothing but what is already on disk survives. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM. {@link Process#destroy} also closes the output pipes: what the process logs while it stops is lost. */
    public void terminate() {
        process.destroy();
    }

    /**
     * SIGTERM, keeping the output pipes open (through {@link ProcessHandle}, unlike
     * {@link #terminate}), so the lines the process writes while it stops can be awaited.
     */
    public void sigterm() {
        process.toHandle().destroy();
    }

    public int waitForExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("hermod still running after " + seconds + " s: " + output());
        }
        // let the output pumps drain
        Thread.sleep(100);
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Waits until a stderr or stdout line matches, returning the match. */
    public Matcher awaitLine(Pattern pattern, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String line : concat(stderr(), stdout())) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no line matching " + pattern + " in " + output());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    public String output() {
        return "stdout=" + stdout() + " stderr=" + stderr();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
