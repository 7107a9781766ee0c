package io.hermod.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports Hermod sends are understood by a bounce parser it did not write: Debian's
 * python3-flufl.bounce (used by Mailman) extracts exactly the failed addresses, and none from a
 * delay report.
 */
class ThirdPartyBounceParserTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = """
            import email, sys
            from flufl.bounce import all_failures
            with open(sys.argv[1], 'rb') as f:
                message = email.message_from_binary_file(f)
            temporary, permanent = all_failures(message)
            print('permanent', *sorted(a.decode() if isinstance(a, bytes) else a for a in permanent))
            print('temporary', *sorted(a.decode() if isinstance(a, bytes) else a for a in temporary))
            """;

    @TempDir
    Path dir;

    private final DsnBuilder builder = new DsnBuilder("mx.hermod.test",
            Clock.fixed(Instant.parse("2024-03-05T08:15:30Z"), ZoneOffset.UTC));

    private static Envelope original() {
        return new Envelope(new MessageId(0x18E500000001L), "alice@example.com",
                List.of(Recipient.pending("bob@example.org"), Recipient.pending("carol@example.net"),
                        Recipient.pending("dave@example.net")),
                Instant.parse("2024-03-04T22:00:00Z").toEpochMilli(), 1234, 1, false, false, "client.example",
                "192.0.2.10");
    }

    private static final byte[] HEADERS = ("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
            + "Subject: Quarterly numbers\r\nMessage-ID: <q1@example.com>\r\n").getBytes(StandardCharsets.US_ASCII);

    private List<String> parse(byte[] report) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import flufl.bounce").start();
        assumeTrue(probe.waitFor() == 0, "python3-flufl.bounce is not installed");
        Path file = Files.write(dir.resolve("report.eml"), report);
        Path script = Files.writeString(dir.resolve("parse.py"), SCRIPT);
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Arrays.asList(out.strip().split("\n"));
    }

    @Test
    void failedReport_yieldsExactlyTheFailedAddresses() throws Exception {
        byte[] report = builder.build(original(), HEADERS, List.of(
                new FailedRecipient("bob@example.org", "5.1.1", "mx.example.org", "550 5.1.1 <bob@example.org>: no such user"),
                new FailedRecipient("carol@example.net", "4.4.7", null,
                        "4.4.7 message expired after PT120H in the queue; last result: 4.4.1 connect failed")),
                ReportAction.FAILED, "dsn-1");
        List<String> lines = parse(report);
        assertThat(new TreeSet<>(Arrays.asList(lines.get(0).split(" ")).subList(1, lines.get(0).split(" ").length)))
                .containsExactly("bob@example.org", "carol@example.net");
        assertThat(lines.get(1).strip()).isEqualTo("temporary");
    }

    @Test
    void delayReport_namesNoPermanentFailure() throws Exception {
        byte[] report = builder.build(original(), HEADERS, List.of(
                new FailedRecipient("dave@example.net", "4.4.1", null, "4.4.1 connect failed")),
                ReportAction.DELAYED, "dsn-2");
        assertThat(parse(report).get(0).strip()).isEqualTo("permanent");
    }
}
