package io.hermod.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A tmpfs of a few MiB mounted for one test, to fill a disk for real. Mounting needs root with
 * CAP_SYS_ADMIN; where that is missing (some CI containers) the calling test is skipped, and the
 * seam-based tests ({@link WriteHook}) still cover the spool's side.
 */
public final class TinyFilesystem implements AutoCloseable {

    private final Path root;
    private final Path filler;

    private TinyFilesystem(Path root) {
        this.root = root;
        this.filler = root.resolve("filler");
    }

    /** Mounts a tmpfs of {@code bytes} on {@code dir}, or skips the test when this host does not allow it. */
    public static TinyFilesystem mount(Path dir, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()),
                "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        return new TinyFilesystem(dir);
    }

    public Path root() {
        return root;
    }

    public long free() {
        try {
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Writes a filler file until the filesystem has no space left (a short write takes the last bytes). */
    public void fill() throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (free() > 0) {
                throw full;
            }
        }
    }

    /** Shrinks the filler until about {@code bytes} are free. */
    public void freeUpTo(long bytes) throws IOException {
        long size = Files.size(filler);
        long release = Math.max(0, bytes - free());
        try (var channel = Files.newByteChannel(filler, StandardOpenOption.WRITE)) {
            channel.truncate(Math.max(0, size - release));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!run("umount", root.toString())) {
            run("umount", "-l", root.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noSuchCommand) {
            return false;
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
