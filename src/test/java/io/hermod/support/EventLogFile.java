package io.hermod.support;

import io.hermod.Hermod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a running Hermod's JSON event log (flushed first), one object per line. */
public final class EventLogFile {

    private EventLogFile() {
    }

    public static List<JsonObject> read(Hermod hermod, Path log) {
        hermod.events().flush();
        List<JsonObject> events = new ArrayList<>();
        try {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    events.add(new JsonObject(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The events of {@code type}. */
    public static List<JsonObject> ofType(Hermod hermod, Path log, String type) {
        return read(hermod, log).stream().filter(e -> type.equals(e.getString("type"))).toList();
    }

    /** Waits until at least {@code count} events match, and returns them all. */
    public static List<JsonObject> await(Hermod hermod, Path log, int count, Predicate<JsonObject> match)
            throws InterruptedException {
        List<List<JsonObject>> last = new ArrayList<>(List.of(List.of()));
        Await.until(() -> {
            last.set(0, read(hermod, log).stream().filter(match).toList());
            return last.get(0).size() >= count;
        }, 60, () -> "expected " + count + " matching events, have " + last.get(0));
        return last.get(0);
    }
}
