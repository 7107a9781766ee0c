package io.hermod.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {

    private static final long T = 1_795_417_262_345L; // 2026-11-23T07:01:02.345Z

    @TempDir
    Path dir;

    private static Event event(EventType type, String recipient, int code, String enhanced, String text, int attempt,
                               long queueTime) {
        return new Event(type, T, "0192abc", "a@example.com", recipient, code == 0 ? null : "mx1.example.net",
                code == 0 ? null : "192.0.2.1:25", code, enhanced, text, attempt, queueTime, null);
    }

    private List<String> lines(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(content).endsWith("\n");
        return List.of(content.substring(0, content.length() - 1).split("\n", -1));
    }

    private JsonObject only(Path file) throws IOException {
        List<String> lines = lines(file);
        assertThat(lines).hasSize(1);
        return new JsonObject(lines.get(0));
    }

    private JsonObject writeOne(Event event) throws IOException {
        Path file = dir.resolve("events.log");
        try (EventLog log = EventLog.open(file)) {
            log.append(event);
            log.flush();
            assertThat(log.written()).isEqualTo(1);
        }
        return only(file);
    }

    @Test
    void delivery_isOneLineWithEveryFieldInStableOrder() throws IOException {
        Path file = dir.resolve("events.log");
        try (EventLog log = EventLog.open(file)) {
            log.append(new Event(EventType.Delivery, T, "0192abc", "a@x", "b@y", "mx1.example.net", "192.0.2.1:25",
                    250, "2.0.0", "ok queued as 12", 1, 123, null));
        }
        assertThat(Files.readString(file)).isEqualTo("{\"type\":\"Delivery\",\"time\":\"2026-11-23T07:01:02.345Z\","
                + "\"id\":\"0192abc\",\"sender\":\"a@x\",\"recipient\":\"b@y\",\"host\":\"mx1.example.net\","
                + "\"address\":\"192.0.2.1:25\",\"code\":250,\"enhanced\":\"2.0.0\",\"text\":\"ok queued as 12\","
                + "\"attempt\":1,\"queue_time_ms\":123}\n");
    }

    @Test
    void reception_hasIdSenderRecipientAndQueueTime_butNoReplyHostOrAttempt() throws IOException {
        JsonObject json = writeOne(event(EventType.Reception, "b@example.net", 0, null, null, 0, 0));
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "time", "id", "sender", "recipient",
                "queue_time_ms");
        assertThat(json.getString("type")).isEqualTo("Reception");
        assertThat(json.getString("id")).isEqualTo("0192abc");
        assertThat(json.getString("sender")).isEqualTo("a@example.com");
        assertThat(json.getString("recipient")).isEqualTo("b@example.net");
        assertThat(json.getLong("queue_time_ms")).isZero();
    }

    @Test
    void transientFailure_hasReplyAttemptAndQueueTime() throws IOException {
        JsonObject json = writeOne(event(EventType.TransientFailure, "tempfail@example.net", 451, "4.7.1",
                "try later", 3, 90_000));
        assertThat(json.getString("type")).isEqualTo("TransientFailure");
        assertThat(json.getInteger("code")).isEqualTo(451);
        assertThat(json.getString("enhanced")).isEqualTo("4.7.1");
        assertThat(json.getString("text")).isEqualTo("try later");
        assertThat(json.getInteger("attempt")).isEqualTo(3);
        assertThat(json.getLong("queue_time_ms")).isEqualTo(90_000);
        assertThat(json.getString("host")).isEqualTo("mx1.example.net");
        assertThat(json.getString("address")).isEqualTo("192.0.2.1:25");
        assertThat(json.containsKey("detail")).isFalse();
    }

    @Test
    void transientFailure_withoutReply_omitsCodeAndEnhanced() throws IOException {
        JsonObject json = writeOne(new Event(EventType.TransientFailure, T, "id1", "a@x", "b@y", "mx1.example.net",
                null, 0, null, "lost connection with mx1.example.net while sending end of data", 2, 5, null));
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "time", "id", "sender", "recipient", "host",
                "text", "attempt", "queue_time_ms");
        assertThat(json.getString("text")).startsWith("lost connection");
    }

    @Test
    void bounce_hasPermanentReply() throws IOException {
        JsonObject json = writeOne(event(EventType.Bounce, "reject@example.net", 550, "5.1.1", "no such user", 1, 42));
        assertThat(json.getString("type")).isEqualTo("Bounce");
        assertThat(json.getInteger("code")).isEqualTo(550);
        assertThat(json.getString("enhanced")).isEqualTo("5.1.1");
        assertThat(json.getInteger("attempt")).isEqualTo(1);
        assertThat(json.getLong("queue_time_ms")).isEqualTo(42);
    }

    @Test
    void expiration_withoutReply_keepsQueueTimeAndAttempt() throws IOException {
        JsonObject json = writeOne(new Event(EventType.Expiration, T, "id1", "a@x", "b@y", null, null, 0, "4.4.7",
                "message expired after 5d", 12, 432_000_000L, null));
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "time", "id", "sender", "recipient",
                "enhanced", "text", "attempt", "queue_time_ms");
        assertThat(json.getString("type")).isEqualTo("Expiration");
        assertThat(json.getLong("queue_time_ms")).isEqualTo(432_000_000L);
        assertThat(json.getInteger("attempt")).isEqualTo(12);
    }

    @Test
    void adminAction_hasDetail_andOmitsZeroQueueTime() throws IOException {
        JsonObject json = writeOne(new Event(EventType.AdminAction, T, null, null, null, null, null, 0, null, null,
                0, 0, "suspend example.com"));
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "time", "detail");
        assertThat(json.getString("type")).isEqualTo("AdminAction");
        assertThat(json.getString("detail")).isEqualTo("suspend example.com");
    }

    @Test
    void adminActionOnAMessage_keepsIdAndNonZeroQueueTime() throws IOException {
        JsonObject json = writeOne(new Event(EventType.AdminAction, T, "id9", null, null, null, null, 0, null, null,
                0, 7, "delete"));
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "time", "id", "queue_time_ms", "detail");
    }

    @Test
    void nullSender_isWrittenAsEmptyString_notLeftOut() throws IOException {
        JsonObject json = writeOne(new Event(EventType.Delivery, T, "id1", "", "b@y", "mx", "192.0.2.1:25", 250,
                "2.0.0", "ok", 1, 1, null));
        assertThat(json.containsKey("sender")).isTrue();
        assertThat(json.getString("sender")).isEmpty();
    }

    @Test
    void time_isUtcWithMillisecondsAlwaysPresent() throws IOException {
        JsonObject json = writeOne(new Event(EventType.Reception, 1_795_417_262_000L, "id1", "a@x", "b@y", null, null,
                0, null, null, 0, 0, null));
        assertThat(json.getString("time")).isEqualTo("2026-11-23T07:01:02.000Z");
    }

    @Test
    void nastyStrings_areEscaped_stayOnOneLine_andRoundTrip() throws IOException {
        String nasty = "say \"hi\" \\ back\r\nnext\tline\u0000\u0001\u001f\u007f sep\u2028para\u2029 Grüße 日本 \uD83D\uDE00";
        Path file = dir.resolve("events.log");
        try (EventLog log = EventLog.open(file)) {
            log.append(new Event(EventType.Bounce, T, "id\n2", "ev\"il@x", "b@y", "mx", "192.0.2.1:25", 550, "5.0.0",
                    nasty, 1, 1, null));
            log.append(new Event(EventType.Bounce, T, "id3", "a@x", "lone\uD800surrogate", null, null, 0, null, null,
                    1, 1, null));
        }
        byte[] raw = Files.readAllBytes(file);
        int newlines = 0;
        for (int i = 0; i < raw.length; i++) {
            int b = raw[i] & 0xff;
            assertThat(b < 0x20 && b != '\n').as("raw control byte %d at %d", b, i).isFalse();
            newlines += b == '\n' ? 1 : 0;
        }
        assertThat(newlines).isEqualTo(2);
        String content = new String(raw, StandardCharsets.UTF_8);
        assertThat(content).doesNotContain("\u2028", "\u2029", "\u007f").contains("\\u2028", "\\u2029", "\\r\\n");
        assertThat(content).contains("Grüße 日本 \uD83D\uDE00"); // kept as UTF-8, not \\u-escaped
        List<String> lines = lines(file);
        JsonObject first = new JsonObject(lines.get(0));
        assertThat(first.getString("text")).isEqualTo(nasty);
        assertThat(first.getString("id")).isEqualTo("id\n2");
        assertThat(first.getString("sender")).isEqualTo("ev\"il@x");
        assertThat(new JsonObject(lines.get(1)).getString("recipient")).isEqualTo("lone\uFFFDsurrogate");
    }

    @Test
    void appendsFrom8Threads_giveExactlyThatManyWholeLines() throws Exception {
        int threads = 8;
        int perThread = 10_000; // 80 000 in all: below the queue bound, so nothing may be dropped
        String text = "multi\nline \"reply\" text " + "x".repeat(200);
        Path file = dir.resolve("events.log");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (EventLog log = EventLog.open(file)) {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        log.append(new Event(EventType.Delivery, T, thread + "-" + i, "a@x", "b@y", "mx",
                                "192.0.2.1:25", 250, "2.0.0", text, 1, i, null));
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            log.flush();
            assertThat(log.written()).isEqualTo((long) threads * perThread);
            assertThat(log.dropped()).isZero();
        } finally {
            pool.shutdownNow();
        }
        List<String> lines = lines(file);
        assertThat(lines).hasSize(threads * perThread);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            JsonObject json = new JsonObject(line);
            assertThat(json.getString("text")).isEqualTo(text);
            ids.add(json.getString("id"));
        }
        assertThat(ids).hasSize(threads * perThread);
    }

    @Test
    void appendAfterClose_doesNotThrow_isDropped_andCloseIsIdempotent() throws IOException {
        Path file = dir.resolve("events.log");
        EventLog log = EventLog.open(file);
        log.append(event(EventType.Reception, "b@y", 0, null, null, 0, 0));
        log.close();
        log.append(event(EventType.Reception, "c@y", 0, null, null, 0, 0));
        log.flush();
        log.close();
        assertThat(log.dropped()).isEqualTo(1);
        assertThat(log.written()).isEqualTo(1);
        assertThat(only(file).getString("recipient")).isEqualTo("b@y");
    }

    @Test
    void open_whereTheParentIsAFile_failsNamingThePath() throws IOException {
        Files.writeString(dir.resolve("blocker"), "not a directory");
        Path file = dir.resolve("blocker").resolve("sub").resolve("events.log");
        assertThatThrownBy(() -> EventLog.open(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageStartingWith("cannot open event log");
    }

    @Test
    void open_aDirectory_failsNamingThePath() {
        assertThatThrownBy(() -> EventLog.open(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void open_createsMissingParentDirectories() throws IOException {
        Path file = dir.resolve("data").resolve("logs").resolve("events.log");
        try (EventLog log = EventLog.open(file)) {
            log.append(event(EventType.Reception, "b@y", 0, null, null, 0, 0));
        }
        assertThat(lines(file)).hasSize(1);
    }

    @Test
    void reopening_appendsRatherThanTruncating() throws IOException {
        Path file = dir.resolve("events.log");
        try (EventLog log = EventLog.open(file)) {
            log.append(event(EventType.Reception, "first@y", 0, null, null, 0, 0));
        }
        try (EventLog log = EventLog.open(file)) {
            log.append(event(EventType.Reception, "second@y", 0, null, null, 0, 0));
        }
        assertThat(lines(file)).extracting(l -> new JsonObject(l).getString("recipient"))
                .containsExactly("first@y", "second@y");
    }

    @Test
    void writer_isOneDaemonThreadNamedHermodEventLog() throws IOException {
        try (EventLog log = EventLog.open(dir.resolve("events.log"))) {
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().equals("hermod-event-log"))
                    .hasSize(1)
                    .allMatch(Thread::isDaemon);
        }
    }

    @Test
    void fullQueue_dropsAndCounts_thenWritesOneOverflowLine() throws Exception {
        Path file = dir.resolve("events.log");
        GatedChannel channel = new GatedChannel(file);
        try (EventLog log = new EventLog(file, channel, 4)) {
            log.append(event(EventType.Reception, "r0@y", 0, null, null, 0, 0));
            assertThat(channel.entered.await(10, TimeUnit.SECONDS)).isTrue(); // writer now stuck in write
            for (int i = 1; i <= 14; i++) {
                log.append(event(EventType.Reception, "r" + i + "@y", 0, null, null, 0, 0)); // 4 fit, 10 do not
            }
            assertThat(log.dropped()).isEqualTo(10);
            channel.release.countDown();
            log.flush();
            assertThat(log.written()).isEqualTo(5);
        }
        List<JsonObject> lines = lines(file).stream().map(JsonObject::new).toList();
        assertThat(lines).extracting(j -> j.getString("type"))
                .containsExactly("Reception", "Reception", "Reception", "Reception", "Reception", "EventLogOverflow");
        assertThat(lines).extracting(j -> j.getString("recipient")).startsWith("r0@y", "r1@y", "r2@y", "r3@y", "r4@y");
        JsonObject overflow = lines.get(5);
        assertThat(overflow.getLong("dropped")).isEqualTo(10);
        assertThat(overflow.getLong("dropped_total")).isEqualTo(10);
        assertThat(overflow.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void appendOnAFullQueue_returnsAtOnce() throws Exception {
        Path file = dir.resolve("events.log");
        GatedChannel channel = new GatedChannel(file);
        try (EventLog log = new EventLog(file, channel, 2)) {
            log.append(event(EventType.Reception, "r0@y", 0, null, null, 0, 0));
            assertThat(channel.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1_000; i++) {
                    log.append(event(EventType.Reception, "r@y", 0, null, null, 0, 0));
                }
            });
            appends.get(5, TimeUnit.SECONDS); // would time out if append waited for room
            assertThat(log.dropped()).isEqualTo(998);
            channel.release.countDown();
        }
    }

    @Test
    void close_writesEverythingStillQueued() throws Exception {
        Path file = dir.resolve("events.log");
        GatedChannel channel = new GatedChannel(file);
        EventLog log = new EventLog(file, channel, 1_000);
        log.append(event(EventType.Reception, "r0@y", 0, null, null, 0, 0));
        assertThat(channel.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 500; i++) {
            log.append(event(EventType.Reception, "r" + i + "@y", 0, null, null, 0, 0));
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(log::close);
        Thread.sleep(100);
        assertThat(closing).isNotDone(); // still waiting for the queued events to be written
        channel.release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        assertThat(channel.isOpen()).isFalse();
        assertThat(lines(file)).hasSize(500);
        assertThat(log.written()).isEqualTo(500);
    }

    @Test
    void flush_waitsUntilEarlierAppendsAreWritten() throws Exception {
        Path file = dir.resolve("events.log");
        GatedChannel channel = new GatedChannel(file);
        try (EventLog log = new EventLog(file, channel, 100)) {
            log.append(event(EventType.Reception, "r0@y", 0, null, null, 0, 0));
            log.append(event(EventType.Reception, "r1@y", 0, null, null, 0, 0));
            CompletableFuture<Void> flushing = CompletableFuture.runAsync(log::flush);
            Thread.sleep(100);
            assertThat(flushing).isNotDone();
            channel.release.countDown();
            flushing.get(10, TimeUnit.SECONDS);
            assertThat(lines(file)).hasSize(2);
        }
    }

    @Test
    void failedWrite_dropsTheBatch_keepsWriting_andReportsTheGap() throws Exception {
        Path file = dir.resolve("events.log");
        GatedChannel channel = new GatedChannel(file);
        channel.release.countDown();
        channel.failures.set(1);
        try (EventLog log = new EventLog(file, channel, 100)) {
            log.append(event(EventType.Reception, "lost@y", 0, null, null, 0, 0));
            log.flush();
            assertThat(log.dropped()).isEqualTo(1);
            log.append(event(EventType.Reception, "kept@y", 0, null, null, 0, 0));
            log.flush();
            assertThat(log.written()).isEqualTo(1);
        }
        // The overflow line goes with the first write that works: the flush's own or kept@y's.
        List<JsonObject> lines = lines(file).stream().map(JsonObject::new).toList();
        assertThat(lines).extracting(j -> j.getString("type"))
                .containsExactlyInAnyOrder("Reception", "EventLogOverflow");
        assertThat(lines).filteredOn(j -> j.getString("type").equals("Reception"))
                .extracting(j -> j.getString("recipient")).containsExactly("kept@y");
        assertThat(lines).filteredOn(j -> j.getString("type").equals("EventLogOverflow"))
                .extracting(j -> j.getLong("dropped")).containsExactly(1L);
    }

    /** A file channel whose writes wait for {@link #release}, and can be told to fail. */
    private static final class GatedChannel implements WritableByteChannel {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger failures = new AtomicInteger();
        private final FileChannel file;

        GatedChannel(Path path) throws IOException {
            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("test gate never released");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("disk full (test)");
            }
            return file.write(src);
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
