package io.hermod.intake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Users with plain passwords; answers at once, or holds every answer until {@link #answerAll()} when manual. */
final class FakeAuthenticator implements Authenticator {

    private record User(String password, List<String> senders) {
    }

    private final Map<String, User> users = new HashMap<>();
    private final boolean manual;
    private final List<Runnable> pending = new ArrayList<>();
    /** "user:password" of every attempt, in order. */
    final List<String> attempts = new ArrayList<>();

    FakeAuthenticator(boolean manual) {
        this.manual = manual;
    }

    FakeAuthenticator user(String name, String password, String... senders) {
        users.put(name, new User(password, List.of(senders)));
        return this;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public CompletableFuture<Optional<AuthenticatedUser>> authenticate(String user, String password) {
        attempts.add(user + ":" + password);
        User u = users.get(user);
        Optional<AuthenticatedUser> result = u != null && u.password().equals(password)
                ? Optional.of(new AuthenticatedUser(user, u.senders())) : Optional.empty();
        CompletableFuture<Optional<AuthenticatedUser>> future = new CompletableFuture<>();
        if (manual) {
            pending.add(() -> future.complete(result));
        } else {
            future.complete(result);
        }
        return future;
    }

    int answerAll() {
        List<Runnable> now = List.copyOf(pending);
        pending.clear();
        now.forEach(Runnable::run);
        return now.size();
    }
}
