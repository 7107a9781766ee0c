package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.TinyFilesystem;
import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's volume runs full: intake answers 451 and {@code /health/ready} 503; once some space
 * returns (less than a RocksDB write buffer), Hermod is ready and accepts mail again, without a
 * restart. The spool is a 16 MiB tmpfs, so the test needs root; elsewhere it is skipped.
 */
class SpoolDiskFullIT {

    private static final long MIB = 1024 * 1024;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void fullSpoolVolume_isNotReadyAndAnswers451_thenReadyAndAcceptingOnceSpaceReturns() throws Exception {
        byte[] message = message(64 * 1024);
        try (TinyFilesystem fs = TinyFilesystem.mount(dir.resolve("spool"), 16 * MIB)) {
            Hermod hermod = TestHermod.startWith(dir, "full.hermod.test", TestHermod.HOLD_ALL);
            try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                SmtpTestClient.expect(client.greeting(), 220);
                SmtpTestClient.expect(client.command("EHLO client.test"), 250);
                assertThat(ready(hermod)).isEqualTo(200);

                fs.fill();
                // the WAL may hold preallocated space for a few more messages
                SmtpTestClient.Response reply = null;
                for (int i = 0; i < 2_000 && (reply == null || reply.code() == 250); i++) {
                    reply = client.sendMail("sender@origin.test", List.of("rcpt@dest.test"), message);
                }
                assertThat(reply.code()).as(reply.toString()).isEqualTo(451);
                assertThat(ready(hermod)).isEqualTo(503);

                fs.freeUpTo(6 * MIB);
                Await.until(() -> ready(hermod) == 200, 60, () -> "not ready with " + fs.free() + " bytes free");
                SmtpTestClient.expect(client.sendMail("sender@origin.test", List.of("rcpt@dest.test"), message), 250);
            } finally {
                hermod.close();
            }
        }
    }

    private int ready(Hermod hermod) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort() + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static byte[] message(int size) {
        StringBuilder sb = new StringBuilder("From: <sender@origin.test>\r\nTo: <rcpt@dest.test>\r\nSubject: fill\r\n\r\n");
        String line = "x".repeat(76) + "\r\n";
        while (sb.length() < size) {
            sb.append(line);
        }
        return sb.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
