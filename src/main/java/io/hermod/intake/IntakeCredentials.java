package io.hermod.intake;

import io.hermod.config.AuthConfig;
import io.hermod.config.ConfigException;
import io.hermod.config.TlsConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the listeners need from files: the TLS certificate and key ({@code tls.*}) and the AUTH user
 * list ({@code auth.users}), loaded and checked at start-up and reloaded when the files change.
 *
 * @param tls null when {@code tls.*} is unset
 */
public record IntakeCredentials(TlsCredentials tls, Authenticator authenticator) {

    /** How often the files are checked for changes (SIGHUP reloads at once). */
    static final Duration POLL = Duration.ofSeconds(5);
    /** How long a wrong password waits for its 535: slows guessing without holding a thread. */
    static final Duration AUTH_FAILURE_DELAY = Duration.ofSeconds(1);

    /** Loads both (blocking); a file that does not load is a {@link ConfigException} naming its key. */
    public static IntakeCredentials load(Vertx vertx, TlsConfig tlsConfig, AuthConfig authConfig) {
        FileReloader reloader = new FileReloader(vertx);
        TlsCredentials tls = null;
        if (tlsConfig.enabled()) {
            Path cert = tlsConfig.cert().orElseThrow();
            Path key = tlsConfig.key().orElseThrow();
            try {
                tls = TlsCredentials.load(vertx, cert, key);
            } catch (TlsCredentials.InvalidCredentials e) {
                throw new ConfigException(e.getMessage());
            }
            reloader.watch("tls", List.of(cert, key), () -> TlsCredentials.material(vertx, cert, key), tls::replace);
        }
        Authenticator authenticator = Authenticator.NONE;
        if (authConfig.users().isPresent()) {
            Path file = authConfig.users().get();
            UserFileAuthenticator users;
            try {
                users = new UserFileAuthenticator(vertx, UserFile.read(file), AUTH_FAILURE_DELAY);
            } catch (UserFile.InvalidUserFile e) {
                throw new ConfigException("auth.users", e.getMessage());
            }
            reloader.watch("auth.users", List.of(file), () -> UserFile.read(file), users::replace);
            authenticator = users;
        }
        reloader.start(POLL);
        return new IntakeCredentials(tls, authenticator);
    }
}
