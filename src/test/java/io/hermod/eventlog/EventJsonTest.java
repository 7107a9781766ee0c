package io.hermod.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static String line(EventJson json) {
        return new String(json.bytes(), 0, json.length(), StandardCharsets.UTF_8);
    }

    /** Random text weighted towards what breaks encoders: ASCII specials, controls, separators, astral. */
    private static String randomText(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> s.append((char) random.nextInt(0x20));
                case 1 -> s.append("\"\\/\u007f\u2028\u2029".charAt(random.nextInt(6)));
                case 2 -> s.append((char) (0x20 + random.nextInt(0x5f)));
                case 3 -> s.append((char) (0x80 + random.nextInt(0x780)));
                case 4 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> {
                    char c = (char) (0x800 + random.nextInt(0xf800));
                    s.append(Character.isSurrogate(c) ? 'x' : c);
                }
            }
        }
        return s.toString();
    }

    @Test
    void randomStrings_roundTripThroughAJsonParser_onOneLineEach() {
        Random random = new Random(42);
        EventJson json = new EventJson();
        for (int i = 0; i < 20_000; i++) {
            Event event = new Event(EventType.values()[i % EventType.values().length], random.nextLong() >>> 24,
                    randomText(random), randomText(random), randomText(random), randomText(random), randomText(random),
                    random.nextInt(600), randomText(random), randomText(random), random.nextInt(50),
                    random.nextLong() >>> 30, randomText(random));
            json.reset();
            json.event(event);
            String line = line(json);
            assertThat(line).endsWith("}\n");
            assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u2028", "\u2029");
            JsonObject parsed = new JsonObject(line);
            assertThat(parsed.getString("id")).isEqualTo(event.messageId());
            assertThat(parsed.getString("sender")).isEqualTo(event.sender());
            assertThat(parsed.getString("recipient")).isEqualTo(event.recipient());
            assertThat(parsed.getString("host")).isEqualTo(event.destinationHost());
            assertThat(parsed.getString("address")).isEqualTo(event.destinationAddress());
            assertThat(parsed.getString("enhanced")).isEqualTo(event.enhancedCode());
            assertThat(parsed.getString("text")).isEqualTo(event.text());
            assertThat(parsed.getString("detail")).isEqualTo(event.detail());
            assertThat(parsed.getInteger("code", 0)).isEqualTo(event.code());
            assertThat(parsed.getInteger("attempt", 0)).isEqualTo(event.attempt());
            assertThat(parsed.getLong("queue_time_ms", 0L)).isEqualTo(event.queueTimeMillis());
            assertThat(java.time.Instant.parse(parsed.getString("time")).toEpochMilli()).isEqualTo(event.timeMillis());
        }
    }

    @Test
    void bounce_carriesItsCategory_andADeliveryHasNone() {
        EventJson json = new EventJson();
        json.event(new Event(EventType.Bounce, 0, "id", "a@x", "b@y", "mx.y", "192.0.2.1:25", 550, "5.1.1",
                "550 5.1.1 user unknown", 1, 5, null, "invalid-recipient"));
        json.event(new Event(EventType.Delivery, 0, "id", "a@x", "c@y", "mx.y", "192.0.2.1:25", 250, "2.0.0",
                "250 2.0.0 ok", 1, 5, null));
        String[] lines = line(json).split("\n");
        assertThat(lines[0]).endsWith(",\"text\":\"550 5.1.1 user unknown\",\"attempt\":1,\"queue_time_ms\":5,"
                + "\"category\":\"invalid-recipient\"}");
        assertThat(new JsonObject(lines[1]).containsKey("category")).isFalse();
    }

    @Test
    void suppressed_hasItsReplyAndReason_butNoMessageOrQueueTime() {
        EventJson json = new EventJson();
        json.event(new Event(EventType.Suppressed, 0, null, "a@x", "b@y", null, null, 550, "5.7.1",
                "recipient suppressed (global)", 0, 0, "invalid-recipient"));
        JsonObject line = new JsonObject(line(json));
        assertThat(line.getString("type")).isEqualTo("Suppressed");
        assertThat(line.getString("detail")).isEqualTo("invalid-recipient");
        assertThat(line.getInteger("code")).isEqualTo(550);
        assertThat(line.containsKey("queue_time_ms")).isFalse();
        assertThat(line.containsKey("id")).isFalse();
    }

    @Test
    void timesAcrossSecondsAndBeforeTheEpoch_areFormattedExactly() {
        EventJson json = new EventJson();
        long[] times = {0L, -1L, 999L, 1000L, 1_795_417_262_345L, 1_795_417_263_001L, 1_795_417_262_999L};
        String[] expected = {"1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.999Z",
            "1970-01-01T00:00:01.000Z", "2026-11-23T07:01:02.345Z", "2026-11-23T07:01:03.001Z",
            "2026-11-23T07:01:02.999Z"};
        for (int i = 0; i < times.length; i++) {
            json.reset();
            json.event(new Event(EventType.Reception, times[i], "id", "", "b@y", null, null, 0, null, null, 0, 0,
                    null));
            assertThat(new JsonObject(line(json)).getString("time")).isEqualTo(expected[i]);
        }
    }

    @Test
    void negativeAndLargeNumbers_areWrittenAsJsonNumbers() {
        EventJson json = new EventJson();
        json.event(new Event(EventType.Delivery, 0, "id", "a@x", "b@y", null, null, 250, null, null, 1,
                Long.MIN_VALUE, null));
        json.event(new Event(EventType.Delivery, 0, "id", "a@x", "b@y", null, null, 250, null, null, -3,
                Long.MAX_VALUE, null));
        String[] lines = line(json).split("\n");
        assertThat(new JsonObject(lines[0]).getLong("queue_time_ms")).isEqualTo(Long.MIN_VALUE);
        assertThat(new JsonObject(lines[1]).getLong("queue_time_ms")).isEqualTo(Long.MAX_VALUE);
        assertThat(new JsonObject(lines[1]).getInteger("attempt")).isEqualTo(-3);
    }

    @Test
    void aHugeEvent_growsTheBuffer_andResetGivesTheMemoryBack() {
        EventJson json = new EventJson();
        String text = "\u0001".repeat(2_000_000); // 12 MB once escaped
        json.event(new Event(EventType.Bounce, 0, "id", "a@x", "b@y", null, null, 550, null, text, 1, 0, null));
        assertThat(new JsonObject(line(json)).getString("text")).isEqualTo(text);
        json.reset();
        assertThat(json.length()).isZero();
        assertThat(json.bytes().length).isLessThan(1 << 20);
    }
}
