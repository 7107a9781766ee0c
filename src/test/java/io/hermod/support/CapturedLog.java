package io.hermod.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every {@code java.util.logging} record published while it is open. Hermod has no logging
 * backend on its class path, so Vert.x, Netty and {@code System.Logger} all log there.
 */
public final class CapturedLog implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog() {
        root.addHandler(handler);
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    /** The messages logged so far by loggers whose name starts with {@code prefix}. */
    public List<String> messages(String prefix) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.getLoggerName() != null && r.getLoggerName().startsWith(prefix)) {
                out.add(String.valueOf(r.getMessage()));
            }
        }
        return out;
    }

    /**
     * What a malformed request must never cause: a stack trace, Vert.x's "Unhandled exception", or
     * a warning or worse from the HTTP stack ({@code io.vertx}, {@code io.netty}, the API). One line
     * per record, for an assertion message. Vert.x's blocked-thread warnings are left out: on a
     * loaded machine they come and go with the load, not with the requests.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (LogRecord r : records) {
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            if (logger.endsWith("BlockedThreadChecker")) {
                continue;
            }
            boolean httpStack = logger.startsWith("io.vertx") || logger.startsWith("io.netty")
                    || logger.startsWith("io.hermod.api");
            String message = String.valueOf(r.getMessage());
            if (r.getThrown() != null || message.contains("Unhandled exception")
                    || (httpStack && r.getLevel().intValue() >= Level.WARNING.intValue())) {
                problems.add(r.getLevel() + " " + logger + ": " + message
                        + (r.getThrown() == null ? "" : " [" + r.getThrown() + "]"));
            }
        }
        return problems;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }
}
