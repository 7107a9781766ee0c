package io.hermod.shaping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shaping in force, for every shard: the base values, the built-in file and {@code shaping.path}.
 * {@link #reload} reads the operator's file again when it changed (or always, on SIGHUP); a file
 * that does not parse keeps the previous shaping and says why in the log, once per change.
 * Sites notice a new {@link #generation} and take their values again.
 */
public final class ShapingStore {

    private static final System.Logger LOG = System.getLogger(ShapingStore.class.getName());
    /** Where the operator's file is named in messages. */
    public static final String SETTING = "shaping.path";

    private final Map<ShapingKey, Object> base;
    private final Map<ShapingKey, String> baseOrigins;
    private final ShapingFile builtIn;
    private final Path file;
    private final AtomicInteger generation = new AtomicInteger();
    private volatile Shaping current;
    private Object lastSeen;
    private Object lastRefused;

    private ShapingStore(Map<ShapingKey, Object> base, Map<ShapingKey, String> baseOrigins, Path file) {
        this.base = base;
        this.baseOrigins = baseOrigins;
        this.builtIn = Shaping.builtIn();
        this.file = file;
    }

    /**
     * Loads the shaping at start-up. @throws ShapingException naming the file and the key when the
     * operator's file cannot be used (start-up stops)
     */
    public static ShapingStore load(Optional<Path> file, Base base) {
        ShapingStore store = new ShapingStore(base.values(), base.origins(), file.orElse(null));
        store.lastSeen = store.stamp();
        store.current = store.read();
        return store;
    }

    /** Shaping without an operator's file: for tests and tools. */
    public static ShapingStore of(Base base, String operatorYaml) {
        ShapingStore store = new ShapingStore(base.values(), base.origins(), null);
        ShapingFile operator = ShapingFile.parse(operatorYaml, "shaping.yaml");
        store.current = new Shaping(store.base, store.baseOrigins, List.of(store.builtIn, operator));
        return store;
    }

    public Shaping current() {
        return current;
    }

    /** Goes up by one with every change of {@link #current}. */
    public int generation() {
        return generation.get();
    }

    /**
     * Reads the file again when it changed, or when {@code force}; blocking (call off the event
     * loop). Returns whether new shaping is in force.
     */
    public synchronized boolean reload(boolean force) {
        if (file == null) {
            return false;
        }
        Object stamp = stamp();
        if (!force && stamp.equals(lastSeen)) {
            return false;
        }
        lastSeen = stamp;
        try {
            current = read();
            generation.incrementAndGet();
            lastRefused = null;
            LOG.log(System.Logger.Level.INFO, SETTING + ": reloaded " + file);
            return true;
        } catch (RuntimeException e) { // a ShapingException names the key; anything else is a bug, still logged
            if (!stamp.equals(lastRefused) || force) {
                lastRefused = stamp;
                LOG.log(System.Logger.Level.WARNING, SETTING + ": the changed file is refused, the shaping in force"
                        + " stays: " + (e instanceof ShapingException ? e.getMessage() : file + ": " + e));
            }
            return false;
        }
    }

    private Shaping read() {
        if (file == null) {
            return new Shaping(base, baseOrigins, List.of(builtIn));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ShapingException(SETTING + ": cannot read " + file + ": " + e.getMessage());
        }
        return new Shaping(base, baseOrigins, List.of(builtIn, ShapingFile.parse(text, file.toString())));
    }

    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException | RuntimeException e) {
            return "unreadable";
        }
    }

    /** The values every block starts from, and which setting each came from. */
    public record Base(Map<ShapingKey, Object> values, Map<ShapingKey, String> origins) {

        /**
         * From hermod.yaml's delivery keys; the rest fixed: rates unlimited, idle connections closed
         * after 5 s, RFC 5321's connect and end-of-data timeouts, opportunistic TLS, the next message
         * pipelined behind the final dot.
         */
        public static Base of(int maxConnections, int maxMessagesPerConnection, int maxRecipientsPerTransaction,
                              int maxReady) {
            return of(maxConnections, maxMessagesPerConnection, maxRecipientsPerTransaction, maxReady,
                    Duration.ofSeconds(60), Duration.ofHours(1), 2.0);
        }

        /** With hermod.yaml's {@code queue.retry.*} as the retry schedule's base. */
        public static Base of(int maxConnections, int maxMessagesPerConnection, int maxRecipientsPerTransaction,
                              int maxReady, Duration retryInitial, Duration retryMax, double retryFactor) {
            EnumMap<ShapingKey, Object> v = new EnumMap<>(ShapingKey.class);
            EnumMap<ShapingKey, String> o = new EnumMap<>(ShapingKey.class);
            put(v, o, ShapingKey.CONNECTION_LIMIT, maxConnections, "hermod.yaml delivery.max_connections_per_destination");
            put(v, o, ShapingKey.MAX_CONNECTION_RATE, Optional.empty(), "fixed default");
            put(v, o, ShapingKey.MAX_MESSAGE_RATE, Optional.empty(), "fixed default");
            put(v, o, ShapingKey.MAX_DELIVERIES_PER_CONNECTION, maxMessagesPerConnection,
                    "hermod.yaml delivery.max_messages_per_connection");
            put(v, o, ShapingKey.MAX_RECIPIENTS_PER_TRANSACTION, maxRecipientsPerTransaction,
                    "hermod.yaml delivery.max_recipients_per_transaction");
            put(v, o, ShapingKey.IDLE_TIMEOUT, Duration.ofSeconds(5), "fixed default");
            put(v, o, ShapingKey.CONNECT_TIMEOUT, Duration.ofSeconds(30), "fixed default");
            put(v, o, ShapingKey.DATA_TIMEOUT, Duration.ofMinutes(10), "fixed default");
            put(v, o, ShapingKey.ENABLE_TLS, TlsMode.OPPORTUNISTIC, "fixed default");
            put(v, o, ShapingKey.MAX_READY, maxReady, "hermod.yaml queue.max_ready");
            put(v, o, ShapingKey.RETRY_INITIAL, retryInitial, "hermod.yaml queue.retry.initial");
            put(v, o, ShapingKey.RETRY_MAX, retryMax, "hermod.yaml queue.retry.max");
            put(v, o, ShapingKey.RETRY_FACTOR, retryFactor, "hermod.yaml queue.retry.factor");
            put(v, o, ShapingKey.PIPELINE_AFTER_DATA, true, "fixed default");
            return new Base(Map.copyOf(v), Map.copyOf(o));
        }

        private static void put(Map<ShapingKey, Object> v, Map<ShapingKey, String> o, ShapingKey k, Object value,
                                String origin) {
            v.put(k, value);
            o.put(k, origin);
        }
    }
}
