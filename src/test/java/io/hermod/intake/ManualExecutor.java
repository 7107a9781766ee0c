package io.hermod.intake;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The session's "event loop": runs tasks at once, or, when {@code queued}, holds them until the
 * test calls {@link #runPending()}, so a test controls when a spool completion reaches the session.
 */
final class ManualExecutor implements Executor {

    private final boolean queued;
    private final Queue<Runnable> pending = new ArrayDeque<>();

    ManualExecutor(boolean queued) {
        this.queued = queued;
    }

    @Override
    public void execute(Runnable task) {
        if (queued) {
            pending.add(task);
        } else {
            task.run();
        }
    }

    /** Runs queued tasks, including those they queue, until none is left; returns how many ran. */
    int runPending() {
        int ran = 0;
        Runnable task;
        while ((task = pending.poll()) != null) {
            task.run();
            ran++;
        }
        return ran;
    }
}
