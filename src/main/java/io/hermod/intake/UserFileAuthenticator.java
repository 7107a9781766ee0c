package io.hermod.intake;

import io.vertx.core.Vertx;
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

    private final Vertx vertx;
    private final Duration failureDelay;
    private volatile UserFile users;

    public UserFileAuthenticator(Vertx vertx, UserFile users, Duration failureDelay) {
        this.vertx = vertx;
        this.users = users;
        this.failureDelay = failureDelay;
    }

    public void replace(UserFile users) {
        this.users = users;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public CompletableFuture<Optional<AuthenticatedUser>> authenticate(String user, String password) {
        UserFile current = users;
        CompletableFuture<Optional<AuthenticatedUser>> result = new CompletableFuture<>();
        vertx.executeBlocking(() -> current.check(user, password), false).onComplete(checked -> {
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
