package io.hermod.intake;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Semaphore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * AUTH against the {@code auth.users} file. bcrypt is slow on purpose, so each check runs on a
 * worker thread, never on the event loop; a failed check answers only after {@code failureDelay},
 * which costs a password guesser time without holding a thread. {@link #replace} swaps in a
 * reloaded file; checks under way finish against the file they started with.
 */
public final class UserFileAuthenticator implements Authenticator {

    /** Password checks running or waiting at once, across every session; more are refused at once. */
    static final int MAX_CHECKS = 8;

    /** Thrown (as the future's cause) when too many checks are already under way. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("too many authentication checks under way", null, false, false);
        }
    }

    private final Vertx vertx;
    private final Duration failureDelay;
    // bcrypt gets its own small pool: a flood of AUTH must not starve the default worker pool that
    // reads bodies for delivery and serves the API.
    private final WorkerExecutor checks;
    private final Semaphore permits = new Semaphore(MAX_CHECKS);
    private volatile UserFile users;
    private final FailureWindow failures = new FailureWindow(MAX_FAILURES_PER_CLIENT, FAILURE_WINDOW);

    /** Failed checks one client address may make per {@link #FAILURE_WINDOW}, over all its connections. */
    static final int MAX_FAILURES_PER_CLIENT = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);

    public UserFileAuthenticator(Vertx vertx, UserFile users, Duration failureDelay) {
        this.vertx = vertx;
        this.users = users;
        this.failureDelay = failureDelay;
        this.checks = vertx.createSharedWorkerExecutor("hermod-auth", 2);
    }

    public void replace(UserFile users) {
        this.users = users;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean admits(java.net.InetAddress client) {
        return failures.admits(client, System.nanoTime());
    }

    @Override
    public void failed(java.net.InetAddress client) {
        failures.record(client, System.nanoTime());
    }

    @Override
    public CompletableFuture<Optional<AuthenticatedUser>> authenticate(String user, String password) {
        UserFile current = users;
        CompletableFuture<Optional<AuthenticatedUser>> result = new CompletableFuture<>();
        if (!permits.tryAcquire()) {
            result.completeExceptionally(new Busy());
            return result;
        }
        checks.executeBlocking(() -> current.check(user, password), false).onComplete(checked -> {
            permits.release();
            if (checked.succeeded() && checked.result().isPresent()) {
                result.complete(checked.result());
            } else if (failureDelay.isZero()) {
                result.complete(Optional.empty());
            } else {
                vertx.setTimer(failureDelay.toMillis(), id -> result.complete(Optional.empty()));
            }
        });
        return result;
    }
}
