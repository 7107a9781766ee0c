package io.hermod.intake;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Reloads what is read from files (the TLS certificate and key, the user list) without a restart:
 * when a file's modification time, size or identity changes (polled, so it also sees a Kubernetes
 * secret's symlink swap), and when a message arrives on {@link #RELOAD_ADDRESS} (Hermod sends one
 * on SIGHUP). A reload that fails keeps what was loaded before and logs why.
 */
public final class FileReloader {

    /** Event-bus address that makes every watched set of files load again now. */
    public static final String RELOAD_ADDRESS = "hermod.reload";

    private static final System.Logger LOG = System.getLogger(FileReloader.class.getName());

    private final Vertx vertx;
    private final List<Watch<?>> watches = new ArrayList<>();

    public FileReloader(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Watches {@code files}; {@code load} runs on a worker thread and throws to refuse the new
     * contents, {@code apply} gets what it returned. Call before {@link #start}.
     */
    public <T> void watch(String what, List<Path> files, Callable<T> load, Consumer<T> apply) {
        watches.add(new Watch<>(what, List.copyOf(files), load, apply));
    }

    /**
     * Polls every {@code period}, and reloads everything on {@link #RELOAD_ADDRESS}. One timer and
     * one event-bus consumer for all watches (each further consumer would make Vert.x's Micrometer
     * metrics warn that its handler gauge is registered twice).
     */
    public void start(Duration period) {
        if (watches.isEmpty()) {
            return;
        }
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> vertx.setPeriodic(period.toMillis(), id -> poll(false)));
        vertx.eventBus().consumer(RELOAD_ADDRESS, message -> context.runOnContext(x -> poll(true)));
    }

    private void poll(boolean force) {
        for (Watch<?> watch : watches) {
            watch.poll(force);
        }
    }

    private final class Watch<T> {
        private final String what;
        private final List<Path> files;
        private final Callable<T> load;
        private final Consumer<T> apply;
        private List<Object> stamp;
        private boolean loading;

        Watch(String what, List<Path> files, Callable<T> load, Consumer<T> apply) {
            this.what = what;
            this.files = files;
            this.load = load;
            this.apply = apply;
            this.stamp = stamp(files);
        }

        void poll(boolean force) {
            if (loading) {
                return;
            }
            loading = true;
            vertx.executeBlocking(() -> {
                List<Object> now = stamp(files);
                if (!force && now.equals(stamp)) {
                    return null;
                }
                stamp = now;
                return new Loaded<>(load.call());
            }).onComplete(done -> {
                loading = false;
                if (done.failed()) {
                    LOG.log(System.Logger.Level.WARNING, what + ": reload failed, keeping what was loaded before: "
                            + done.cause().getMessage());
                } else if (done.result() != null) {
                    apply.accept(done.result().value());
                    LOG.log(System.Logger.Level.INFO, what + ": reloaded " + files);
                }
            });
        }
    }

    private record Loaded<T>(T value) {
    }

    private static List<Object> stamp(List<Path> files) {
        List<Object> out = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(List.of(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), "")));
            } catch (IOException e) {
                out.add("missing");
            }
        }
        return out;
    }
}
