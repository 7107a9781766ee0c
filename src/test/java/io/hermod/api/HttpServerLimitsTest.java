package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.idle_timeout} and {@code http.max_connections} on a running {@link HttpApi}. */
class HttpServerLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void connectionSilentForTheIdleTimeout_isClosed() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir, "http:\n  idle_timeout: 1s\n", false);
             RawHttp c = RawHttp.connect(api.port())) {
            assertThat(RawHttp.status(c.send(LIVE).readResponse(WAIT))).isEqualTo(200);
            long idleSince = System.nanoTime();

            assertThat(c.readUntilClosed(WAIT)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isBetween(Duration.ofMillis(800), WAIT);
        }
    }

    @Test
    void connectionBeyondMaxConnections_isClosedAtOnce_untilAnOpenOneCloses() throws Exception {
        try (ApiHarness api = ApiHarness.start(dir, "http:\n  max_connections: 2\n", false)) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawHttp c = RawHttp.connect(api.port());
                    open.add(c);
                    assertThat(RawHttp.status(c.send(LIVE).readResponse(WAIT))).isEqualTo(200);
                }
                try (RawHttp third = RawHttp.connect(api.port())) {
                    // closed before a byte is read: the request may meet a reset, and gets no answer
                    try {
                        third.send(LIVE);
                    } catch (IOException e) {
                        // already reset
                    }
                    assertThat(third.readUntilClosed(WAIT)).isEmpty();
                }
                // the two accepted connections still work
                for (RawHttp c : open) {
                    assertThat(RawHttp.status(c.send(LIVE).readResponse(WAIT))).isEqualTo(200);
                }

                open.remove(0).close();
                assertThat(servedOnANewConnection(api)).isTrue();
            } finally {
                for (RawHttp c : open) {
                    c.close();
                }
            }
        }
    }

    /** The server counts the closed connection down when it sees the FIN; poll until it has. */
    private static boolean servedOnANewConnection(ApiHarness api) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (RawHttp c = RawHttp.connect(api.port())) {
                if (RawHttp.status(c.send(LIVE).readResponse(WAIT)) == 200) {
                    return true;
                }
            } catch (IOException e) {
                // refused again: the close is not counted yet
            }
            Thread.sleep(20);
        }
        return false;
    }
}
