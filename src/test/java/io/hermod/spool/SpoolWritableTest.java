package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.support.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Whether the spool can write, as readiness reports it, driven by a disk that fails on demand. */
class SpoolWritableTest {

    @TempDir
    Path dir;

    private final AtomicBoolean diskFull = new AtomicBoolean();
    private final WriteHook disk = () -> {
        if (diskFull.get()) {
            throw new RocksDBException("While appending to file: 000004.log: No space left on device",
                    new Status(Status.Code.IOError, Status.SubCode.NoSpace, "No space left on device"));
        }
    };

    /** Held so the JUL logger (and the handler on it) is not collected during the test. */
    private final Logger spoolLog = Logger.getLogger("io.hermod.spool");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        spoolLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        spoolLog.removeHandler(capture);
    }

    private static Envelope envelope(MessageId id) {
        return new Envelope(id, "sender@example.com", List.of(Recipient.pending("a@example.net")), 1L, 1, 1, false,
                false, "client.example", "127.0.0.1");
    }

    private static CompletableFuture<Void> commit(Spool spool) {
        return spool.commit(envelope(spool.newId()), new byte[] {'x'});
    }

    @Test
    void failedCommit_makesTheSpoolUnwritable_andTheNextSuccessfulOneWritableAgain() throws Exception {
        try (Spool spool = Spool.open(dir, CommitListener.NONE, disk)) {
            commit(spool).get(10, TimeUnit.SECONDS);
            assertThat(spool.writable()).isTrue();

            diskFull.set(true);
            CompletableFuture<Void> failed = commit(spool);
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SpoolException.class);
            assertThat(spool.writable()).isFalse();

            diskFull.set(false);
            commit(spool).get(10, TimeUnit.SECONDS);
            assertThat(spool.writable()).isTrue();
        }
    }

    /** A pod that is not ready gets no new mail, so the spool must find out by itself that it can write again. */
    @Test
    void unwritableSpool_becomesWritableAgainWithoutAnyNewWrite() throws Exception {
        try (Spool spool = Spool.open(dir, CommitListener.NONE, disk)) {
            diskFull.set(true);
            assertThatThrownBy(() -> commit(spool).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(spool.writable()).isFalse();

            diskFull.set(false);
            Await.until(spool::writable, 30, () -> "spool still unwritable");
        }
    }

    @Test
    void manyFailedWrites_logTheFirstFailureAndTheRecoveryOnceEach() throws Exception {
        try (Spool spool = Spool.open(dir, CommitListener.NONE, disk)) {
            diskFull.set(true);
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Void> failed = commit(spool);
                assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            diskFull.set(false);
            commit(spool).get(10, TimeUnit.SECONDS);
        }
        SimpleFormatter text = new SimpleFormatter();
        assertThat(logged).hasSize(2);
        assertThat(logged.get(0).getLevel().intValue()).isGreaterThanOrEqualTo(Level.WARNING.intValue());
        assertThat(text.formatMessage(logged.get(0))).contains("No space left on device");
        assertThat(logged.get(1).getLevel()).isEqualTo(Level.INFO);
        assertThat(text.formatMessage(logged.get(1))).contains("writable again");
    }
}
