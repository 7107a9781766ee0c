package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading on a file change and on the reload message (SIGHUP), and keeping the old value on a bad file. */
class FileReloaderTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private final List<String> applied = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Path watched(String content) throws Exception {
        Path file = Files.writeString(dir.resolve("users"), content);
        FileReloader reloader = new FileReloader(vertx);
        reloader.watch("test", List.of(file), () -> {
            String text = Files.readString(file);
            if (text.startsWith("bad")) {
                throw new IllegalArgumentException("bad content");
            }
            return text;
        }, applied::add);
        reloader.start(Duration.ofMillis(50));
        return file;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Replaces the file as an operator's tool (or a Kubernetes secret update) does: a new file moved
     * over the old one, never a truncated file the reloader could read half-written (it did, under
     * load: an empty file was applied).
     */
    private static void touch(Path file, String content, int secondsLater) throws Exception {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".new"), content);
        Files.setLastModifiedTime(next, FileTime.from(Instant.now().plusSeconds(secondsLater)));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void changedFile_isLoadedAndApplied() throws Exception {
        Path file = watched("one");
        Thread.sleep(200);
        assertThat(applied).isEmpty();

        touch(file, "two", 1);
        await(() -> !applied.isEmpty());

        assertThat(applied).containsExactly("two");
    }

    @Test
    void badNewContent_isNotApplied_andTheNextGoodOneIs() throws Exception {
        Path file = watched("one");

        touch(file, "bad", 1);
        Thread.sleep(300);
        touch(file, "three", 2);
        await(() -> !applied.isEmpty());

        assertThat(applied).containsExactly("three");
    }

    @Test
    void reloadMessage_reloadsEvenWithoutAChange() throws Exception {
        watched("one");

        vertx.eventBus().publish(FileReloader.RELOAD_ADDRESS, null);
        await(() -> !applied.isEmpty());

        assertThat(applied).containsExactly("one");
    }
}
