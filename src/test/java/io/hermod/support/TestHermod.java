package io.hermod.support;

import io.hermod.Hermod;
import io.hermod.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/** Starts an in-process Hermod on loopback port 0 with a temp spool, relaying every domain to a sink. */
public final class TestHermod {

    private TestHermod() {
    }

    /** {@code extraYaml} is appended at top level (sections it names must not repeat those below). */
    public static Hermod start(Path dir, int sinkPort, String extraYaml) {
        String yaml = baseYaml(dir, "mx.hermod.test", !extraYaml.contains("log:"))
                + extraYaml.replace("SINK", "127.0.0.1:" + sinkPort);
        return Hermod.start(ConfigLoader.parse(yaml, Map.of()));
    }

    /** A Hermod whose configuration routes somewhere with {@code port}, where nothing listens yet. */
    public record WithDeadPort(Hermod hermod, int port) {
    }

    /**
     * Like {@link #start}, with {@code SINK} standing for a free port that nothing listens on. A
     * freed port may be handed out again to one of Hermod's own port-0 listeners, which would then
     * answer for the "dead" destination: such a start is thrown away and tried with another port.
     */
    public static WithDeadPort startWithDeadPort(Path dir, String extraYaml) throws java.io.IOException {
        for (int tries = 0; ; tries++) {
            int port;
            try (java.net.ServerSocket reserve = new java.net.ServerSocket(0)) {
                port = reserve.getLocalPort();
            }
            Hermod hermod = start(dir, port, extraYaml);
            if (hermod.smtpPort() != port && hermod.httpPort() != port || tries == 5) {
                return new WithDeadPort(hermod, port);
            }
            hermod.close();
        }
    }

    /** Starts an in-process Hermod on {@code baseYaml(dir, hostname)} plus {@code extraYaml}. */
    public static Hermod startWith(Path dir, String hostname, String extraYaml) {
        return Hermod.start(ConfigLoader.parse(baseYaml(dir, hostname) + extraYaml, Map.of()));
    }

    /**
     * What every test configuration starts with: loopback listeners on port 0, the spool and the
     * event log in the test's directory. Sections it names ({@code smtp}, {@code http}, {@code spool},
     * {@code log}) must not appear again in what is appended.
     */
    public static String baseYaml(Path dir, String hostname) {
        return baseYaml(dir, hostname, true);
    }

    /** As {@link #baseYaml(Path, String)}; without the event log when {@code eventLog} is false. */
    public static String baseYaml(Path dir, String hostname, boolean eventLog) {
        return """
                hostname: %s
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                spool:
                  path: "%s"
                """.formatted(hostname, dir.resolve("spool"))
                + (eventLog ? "log:\n  events: \"" + dir.resolve("events.log") + "\"\n" : "");
    }

    /** Routes every domain to a port where nothing listens: mail stays queued and no DNS lookup leaves the machine. */
    public static final String HOLD_ALL = """
            delivery:
              routes: {"*": "127.0.0.1:1"}
            queue:
              retry: {initial: 1h}
            """;

    public static String routeAllToSink() {
        return "delivery:\n  routes: {\"*\": \"SINK\"}\n";
    }
}
