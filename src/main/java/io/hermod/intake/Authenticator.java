package io.hermod.intake;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Checks a user name and password for SMTP AUTH. */
public interface Authenticator {

    /** No user list: AUTH is not offered. */
    Authenticator NONE = new Authenticator() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public CompletableFuture<Optional<AuthenticatedUser>> authenticate(String user, String password) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    };

    boolean enabled();

    /**
     * Completes with the user when the password is right, empty when it is not; a failure may
     * complete late on purpose (to slow down guessing). The future may complete on any thread.
     */
    CompletableFuture<Optional<AuthenticatedUser>> authenticate(String user, String password);

    /** Whether {@code client} may try a password now (false once it has failed too often lately). */
    default boolean admits(java.net.InetAddress client) {
        return true;
    }

    /** A password check from {@code client} failed. */
    default void failed(java.net.InetAddress client) {
    }
}
