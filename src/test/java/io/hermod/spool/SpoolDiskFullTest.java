package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk (a 16 MiB tmpfs; skipped where it cannot be mounted): RocksDB stops writing on
 * ENOSPC and must start again once space returns, without reopening, even when less comes back than
 * a write buffer.
 */
class SpoolDiskFullTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static Envelope envelope(MessageId id, int size) {
        return new Envelope(id, "sender@example.com", List.of(Recipient.pending("a@example.net")), 1L, size, 1,
                false, false, "client.example", "127.0.0.1");
    }

    @Test
    void diskFull_commitsFail_thenSucceedAgainOnceSpaceReturns_evenLessThanAWriteBuffer() throws Exception {
        byte[] body = new byte[64 * 1024];
        List<MessageId> accepted = new ArrayList<>();
        try (TinyFilesystem fs = TinyFilesystem.mount(dir.resolve("fs"), 16 * MIB)) {
            Path path = fs.root().resolve("spool");
            try (Spool spool = Spool.open(path)) {
                fs.fill();
                // The WAL may still hold preallocated space for a few commits; then the disk is full.
                Throwable failure = null;
                for (int i = 0; i < 2_000 && failure == null; i++) {
                    MessageId id = spool.newId();
                    try {
                        spool.commit(envelope(id, body.length), body).get(30, TimeUnit.SECONDS);
                        accepted.add(id);
                    } catch (ExecutionException e) {
                        failure = e.getCause();
                    }
                }
                assertThat(failure).isInstanceOf(SpoolException.class).hasMessageContaining("No space left on device");
                assertThat(spool.writable()).isFalse();

                fs.freeUpTo(6 * MIB);
                Await.until(spool::writable, 60, () -> "spool still unwritable with " + fs.free() + " bytes free");
                MessageId after = spool.newId();
                spool.commit(envelope(after, body.length), body).get(30, TimeUnit.SECONDS);
                accepted.add(after);
            }
            try (Spool spool = Spool.open(path)) {
                List<MessageId> recovered = new ArrayList<>();
                spool.recover(e -> recovered.add(e.id()));
                assertThat(recovered).containsExactlyElementsOf(accepted);
            }
        }
    }
}
