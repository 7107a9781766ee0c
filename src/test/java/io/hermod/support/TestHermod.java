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
        String yaml = """
                hostname: mx.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                spool:
                  path: "%s"
                """.formatted(dir.resolve("spool"))
                + (extraYaml.contains("log:") ? "" : "log:\n  events: \"" + dir.resolve("events.log") + "\"\n")
                + extraYaml.replace("SINK", "127.0.0.1:" + sinkPort);
        return Hermod.start(ConfigLoader.parse(yaml, Map.of()));
    }

    public static String routeAllToSink() {
        return "delivery:\n  routes: {\"*\": \"SINK\"}\n";
    }
}
