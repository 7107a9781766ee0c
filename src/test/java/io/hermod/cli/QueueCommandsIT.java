package io.hermod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.Hermod;
import io.hermod.config.ConfigLoader;
import io.hermod.support.Await;
import io.hermod.support.EventLogFile;
import io.hermod.support.TestHermod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hermod queue ...} and {@code hermod top --once} run in-process against a running Hermod
 * whose next hop is down (mail stays scheduled): exit codes and output of every command, the token
 * from the environment, and {@code queue bounce} really bouncing.
 */
class QueueCommandsIT {

    private static final String TOKEN = "cli-token";

    @TempDir
    Path dir;

    private Hermod hermod;
    private String url;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        // A next hop of its own for each domain (connections refused), so neither waits behind the other's site backoff.
        hermod = TestHermod.start(dir, 1, """
                delivery:
                  routes: {"held.test": "127.0.0.1:1", "other.test": "127.0.0.2:1", "*": "127.0.0.3:1"}
                queue:
                  retry: {initial: 1h}
                """);
        url = "http://127.0.0.1:" + hermod.httpPort();
        env = Map.of();
    }

    @AfterEach
    void stop() {
        hermod.close();
    }

    private String inject(String sender, String recipient) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sender", sender)
                        .put("recipients", new JsonArray().add(recipient))
                        .put("message", "Subject: cli\r\n\r\nhello\r\n").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return new JsonObject(r.body()).getString("id");
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        return CliRun.run(env, all);
    }

    @Test
    void queueCommands_listShowSuspendResumeFlushBounceDelete() throws Exception {
        String held = inject("", "a@held.test");
        String other = inject("", "b@other.test");
        Await.until(() -> run("queue", "list", "--json").out().contains("\"scheduled\" : 2"), 30,
                () -> run("queue", "list").out());

        CliRun list = run("queue", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern("DOMAIN\\s+READY\\s+SCHEDULED\\s+IN-FLIGHT\\s+SUSPENDED\\s+OLDEST")
                .containsPattern("held\\.test\\s+0\\s+1\\s+0\\s+no")
                .contains("total: 2 messages; 0 ready, 2 scheduled, 0 in flight");

        CliRun show = run("queue", "show", held);
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("id:       " + held).contains("sender:   <>").containsPattern("a@held\\.test\\s+pending\\s+1\\s+20");

        assertThat(run("queue", "suspend", "held.test").out().strip()).isEqualTo("suspended held.test");
        assertThat(run("queue", "list").out()).containsPattern("held\\.test\\s+0\\s+1\\s+0\\s+yes");
        assertThat(run("queue", "resume", "held.test").out().strip()).isEqualTo("resumed held.test");
        CliRun flush = run("queue", "flush", "other.test", "--json");
        assertThat(new JsonObject(flush.out()).getInteger("flushed")).isEqualTo(1);

        CliRun bounce = run("queue", "bounce", "--domain", "held.test");
        assertThat(bounce.exitCode()).as(bounce.toString()).isZero();
        assertThat(bounce.out().strip()).isEqualTo("bounced 1 deliveries of held.test");
        assertThat(EventLogFile.await(hermod, dir.resolve("events.log"), 1, e -> "Bounce".equals(e.getString("type"))))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("recipient")).isEqualTo("a@held.test");
                    assertThat(e.getString("enhanced")).isEqualTo("5.0.0");
                });
        Await.until(() -> run("queue", "show", held).exitCode() == 1, 30, () -> "still queued");

        assertThat(run("queue", "delete", other).out().strip()).isEqualTo("deleted " + other);
        CliRun gone = run("queue", "show", other);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err().strip()).isEqualTo("404 id: no message " + other + " in the spool");
        CliRun bad = run("queue", "show", "nothex");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("400 id: a message id is 16 hex digits");
        CliRun badDomain = run("queue", "flush", "exa_mple.com");
        assertThat(badDomain.exitCode()).isEqualTo(1);
        assertThat(badDomain.err()).startsWith("400 domain: not a domain name");
    }

    @Test
    void top_once_printsOneFrame() throws Exception {
        inject("", "c@top.test");
        CliRun top = run("top", "--once", "--interval", "0.2");
        assertThat(top.exitCode()).as(top.toString()).isZero();
        assertThat(top.out()).startsWith("hermod top  " + url).contains("accepted").contains("queue")
                .contains("reply codes (per second)").doesNotContain("\033[");
    }

    @Test
    void tokenRequired_missingIs401_fromTheEnvironmentOrFlagWorks() throws Exception {
        hermod.close();
        hermod = Hermod.start(ConfigLoader.parse("""
                hostname: mx.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                  token: "%s"
                spool:
                  path: "%s"
                log:
                  events: "%s"
                """.formatted(TOKEN, dir.resolve("spool2"), dir.resolve("events2.log")), Map.of()));
        url = "http://127.0.0.1:" + hermod.httpPort();

        CliRun refused = run("queue", "list");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("401 ").contains("--token or HERMOD_TOKEN");
        assertThat(run("queue", "list", "--token", TOKEN).exitCode()).isZero();
        env = Map.of("HERMOD_TOKEN", TOKEN);
        CliRun list = run("queue", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("total: 0 messages");
    }
}
