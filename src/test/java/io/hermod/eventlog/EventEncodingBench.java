package io.hermod.eventlog;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Times 1M events: the hand-written encoder against Vert.x JsonObject, and the whole log (append
 * from one thread, flush) into a temporary file. Not a test; after {@code mvn test-compile} run:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.hermod.eventlog.EventEncodingBench}
 * with cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class EventEncodingBench {

    private static final int N = 1_000_000;
    private static final int BATCH = 8_192;

    private EventEncodingBench() {
    }

    public static void main(String[] args) throws Exception {
        Event[] events = new Event[N];
        long t0 = 1_795_417_262_345L;
        for (int i = 0; i < N; i++) {
            EventType type = EventType.values()[i % 5];
            events[i] = new Event(type, t0 + i / 10, "0192d3f4-" + i, "sender@example.com", "rcpt" + i + "@example.net",
                    "mx1.example.net", "192.0.2.1:25", type == EventType.Reception ? 0 : 250, "2.0.0",
                    "2.0.0 Ok: queued as 4XyZ" + i, 1 + i % 3, i % 100_000, null);
        }
        for (int round = 1; round <= 3; round++) {
            System.out.printf("round %d: hand-written %d ms, JsonObject %d ms, EventLog append+flush %d ms%n", round,
                    handWritten(events), jsonObject(events), wholeLog(events));
        }
    }

    private static long handWritten(Event[] events) {
        EventJson json = new EventJson();
        long bytes = 0;
        long start = System.nanoTime();
        for (int i = 0; i < events.length; i++) {
            json.event(events[i]);
            if (i % BATCH == BATCH - 1) {
                bytes += json.length();
                json.reset();
            }
        }
        bytes += json.length();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("  hand-written: %d bytes, %.0f ns/event%n", bytes, ms * 1e6 / events.length);
        return ms;
    }

    private static long jsonObject(Event[] events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        long bytes = 0;
        long start = System.nanoTime();
        for (int i = 0; i < events.length; i++) {
            Event e = events[i];
            JsonObject o = new JsonObject().put("type", e.type().name())
                    .put("time", java.time.Instant.ofEpochMilli(e.timeMillis()).toString());
            putIfPresent(o, "id", e.messageId());
            putIfPresent(o, "sender", e.sender());
            putIfPresent(o, "recipient", e.recipient());
            putIfPresent(o, "host", e.destinationHost());
            putIfPresent(o, "address", e.destinationAddress());
            if (e.code() != 0) {
                o.put("code", e.code());
            }
            putIfPresent(o, "enhanced", e.enhancedCode());
            putIfPresent(o, "text", e.text());
            if (e.attempt() != 0) {
                o.put("attempt", e.attempt());
            }
            o.put("queue_time_ms", e.queueTimeMillis());
            putIfPresent(o, "detail", e.detail());
            out.writeBytes(o.encode().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            if (i % BATCH == BATCH - 1) {
                bytes += out.size();
                out.reset();
            }
        }
        bytes += out.size();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("  JsonObject:   %d bytes, %.0f ns/event%n", bytes, ms * 1e6 / events.length);
        return ms;
    }

    private static void putIfPresent(JsonObject o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static long wholeLog(Event[] events) throws Exception {
        Path file = Files.createTempFile("hermod-events", ".log");
        try {
            long start = System.nanoTime();
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            try (EventLog log = new EventLog(file, channel, events.length)) {
                for (Event e : events) {
                    log.append(e);
                }
                long appended = System.nanoTime();
                log.flush();
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("  EventLog: append %.0f ns/event on the caller, %d written, %d dropped, %d MB%n",
                        (appended - start) / (double) events.length, log.written(), log.dropped(),
                        Files.size(file) >> 20);
                return ms;
            }
        } finally {
            Files.delete(file);
        }
    }
}
