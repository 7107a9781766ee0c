package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.ConfigLoader;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.support.ExternalCommand;
import io.hermod.support.HermodProcess;
import io.hermod.support.SelfSignedCertificate;
import io.hermod.support.SmtpTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three listeners with a certificate made by {@code openssl req} and a user list made by
 * {@code hermod passwd}, driven by swaks, {@code openssl s_client} and raw sockets: STARTTLS and
 * implicit TLS, AUTH PLAIN and LOGIN, the refusals (AUTH before TLS, wrong password, forged sender,
 * relay from outside relay_networks), the STARTTLS command injection, and the connection and error
 * limits. Nothing is delivered: every route leads to a closed port.
 */
class SubmissionTlsIT {

    private static final String PASSWORD = "correct horse";
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");

    @TempDir
    static Path dir;

    private static Hermod hermod;

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.rsa(dir, "localhost");
        Path users = dir.resolve("users");
        Files.writeString(users, passwd("alice", "example.com,boss@example.org") + "\n");
        hermod = Hermod.start(ConfigLoader.parse("""
                hostname: mx.hermod.test
                smtp:
                  listen: ["127.0.0.1:0"]
                  relay_networks: ["127.0.0.1/32"]
                  max_connections_per_ip: 3
                  max_errors: 5
                submission:
                  listen: ["127.0.0.1:0"]
                submissions:
                  listen: ["127.0.0.1:0"]
                tls:
                  cert: "%s"
                  key: "%s"
                auth:
                  users: "%s"
                http:
                  listen: "127.0.0.1:0"
                spool:
                  path: "%s"
                log:
                  events: "%s"
                delivery:
                  routes: {"*": "127.0.0.1:1"}
                queue:
                  retry: {initial: 1h}
                """.formatted(cert.cert(), cert.key(), users, dir.resolve("spool"), dir.resolve("events.log")),
                Map.of()));
        assertThat(hermod.submissionPort()).isPositive().isNotEqualTo(hermod.smtpPort());
        assertThat(hermod.submissionsPort()).isPositive().isNotEqualTo(hermod.submissionPort());
    }

    @AfterAll
    static void stop() {
        if (hermod != null) {
            hermod.close();
        }
    }

    /** {@code java -jar hermod.jar passwd USER SENDERS}, the password on standard input. */
    private static String passwd(String user, String senders) throws Exception {
        ExternalCommand.Result result = ExternalCommand.run(List.of(javaBinary(), "-jar",
                HermodProcess.jar().toString(), "passwd", user, senders), PASSWORD + "\n", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip()).matches(user + ":\\$2a\\$12\\$[./A-Za-z0-9]{53}:" + Pattern.quote(senders));
        return result.output().strip();
    }

    private static ExternalCommand.Result swaks(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port,
                "--helo", "client.test", "--to", "rcpt@dest.test", "--timeout", "20"));
        command.addAll(List.of(options));
        return ExternalCommand.run(command, "", Duration.ofSeconds(60));
    }

    /** The stored text of the message swaks reported as queued. */
    private static String stored(ExternalCommand.Result swaks) {
        Matcher queued = QUEUED.matcher(swaks.output());
        assertThat(queued.find()).as(swaks.output()).isTrue();
        MessageId id = MessageId.parse(queued.group(1));
        Envelope envelope = hermod.spool().envelope(id).orElseThrow();
        return new String(hermod.spool().body(envelope), StandardCharsets.UTF_8);
    }

    @Test
    void submission_starttlsAndAuthPlain_isQueued_withEsmtpsa() throws Exception {
        ExternalCommand.Result r = swaks(hermod.submissionPort(), "--tls", "--auth", "PLAIN", "--auth-user", "alice",
                "--auth-password", PASSWORD, "--from", "news@example.com");

        assertThat(r.output()).contains("TLS started with cipher TLSv1.", "235 2.7.0 Authentication successful");
        assertThat(stored(r)).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.hermod.test (Hermod) with ESMTPSA id ");
    }

    @Test
    void submissions_implicitTlsAndAuthLogin_isQueued_withEsmtpsa() throws Exception {
        ExternalCommand.Result r = swaks(hermod.submissionsPort(), "--tlsc", "--auth", "LOGIN", "--auth-user", "alice",
                "--auth-password", PASSWORD, "--from", "boss@example.org");

        assertThat(r.output()).contains("TLS started with cipher TLSv1.", "334 VXNlcm5hbWU6", "235 2.7.0");
        assertThat(stored(r)).contains(" with ESMTPSA id ");
    }

    @Test
    void relayPort_starttlsWithoutAuth_fromRelayNetwork_isQueued_withEsmtps() throws Exception {
        ExternalCommand.Result r = swaks(hermod.smtpPort(), "--tls", "--from", "app@anything.test");

        assertThat(stored(r)).contains(" with ESMTPS id ");
    }

    @Test
    void opensslStartTls_negotiatesTls12Or13_andAuthIsOfferedOnlyAfterIt() throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(List.of("openssl", "s_client", "-brief", "-ign_eof", "-crlf",
                "-starttls", "smtp", "-connect", "127.0.0.1:" + hermod.submissionPort()),
                "EHLO client.test\nQUIT\n", Duration.ofSeconds(30));

        assertThat(r.output()).as(r.output()).containsPattern("Protocol version: TLSv1\\.[23]")
                .contains("250 AUTH PLAIN LOGIN", "221 2.0.0 Bye");
    }

    @Test
    void tls11_isRefused_onStartTlsAndImplicitTls() throws Exception {
        ExternalCommand.Result starttls = ExternalCommand.run(List.of("openssl", "s_client", "-tls1_1", "-crlf",
                "-starttls", "smtp", "-connect", "127.0.0.1:" + hermod.submissionPort()), "QUIT\n", Duration.ofSeconds(30));
        ExternalCommand.Result implicit = ExternalCommand.run(List.of("openssl", "s_client", "-tls1_1", "-crlf",
                "-connect", "127.0.0.1:" + hermod.submissionsPort()), "QUIT\n", Duration.ofSeconds(30));

        assertThat(starttls.exitCode()).as(starttls.output()).isNotZero();
        assertThat(implicit.exitCode()).as(implicit.output()).isNotZero();
    }

    @Test
    void authBeforeTls_isNotOffered_andRefusedWith538() throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.submissionPort())) {
            client.greeting();
            assertThat(client.command("EHLO client.test").lines()).contains("STARTTLS").doesNotContain("AUTH PLAIN LOGIN");

            SmtpTestClient.Response auth = client.command("AUTH PLAIN " + java.util.Base64.getEncoder()
                    .encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

            assertThat(auth.code()).isEqualTo(538);
            assertThat(auth.text()).startsWith("5.7.11 ");
            assertThat(client.command("MAIL FROM:<news@example.com>").code()).isEqualTo(530);
        }
    }

    @Test
    void wrongPassword_is535_5_7_8() throws Exception {
        ExternalCommand.Result r = swaks(hermod.submissionPort(), "--tls", "--auth", "PLAIN", "--auth-user", "alice",
                "--auth-password", "wrong", "--from", "news@example.com");

        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("535 5.7.8 Error: authentication failed").doesNotContain("queued as");
    }

    @Test
    void forgedSender_is553_5_7_1() throws Exception {
        ExternalCommand.Result r = swaks(hermod.submissionPort(), "--tls", "--auth", "PLAIN", "--auth-user", "alice",
                "--auth-password", PASSWORD, "--from", "ceo@bank.test");

        assertThat(r.output()).contains("235 2.7.0", "553 5.7.1 Error: sender address not owned by user")
                .doesNotContain("queued as");
    }

    @Test
    void clientOutsideRelayNetworks_isRefusedAtRcpt_andAcceptedAfterAuthOnSubmission() throws Exception {
        ExternalCommand.Result relay = swaks(hermod.smtpPort(), "--local-interface", "127.0.0.2", "--tls",
                "--from", "app@example.com");
        ExternalCommand.Result submission = swaks(hermod.submissionPort(), "--local-interface", "127.0.0.2", "--tls",
                "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", PASSWORD, "--from", "app@example.com");

        assertThat(relay.output()).contains("554 5.7.1 Error: relay access denied").doesNotContain("queued as");
        assertThat(stored(submission)).startsWith("Received: from client.test ([127.0.0.2])");
    }

    /** CVE-2011-0411: a command sent in plain text behind STARTTLS must not run once TLS is up. */
    @Test
    void commandPipelinedBehindStartTls_isNotAnsweredAfterTheHandshake() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", hermod.smtpPort())) {
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readReply(in)).endsWith("250 STARTTLS");

            out.write("STARTTLS\r\nRSET\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("220 2.0.0 Ready to start TLS");
            assertThat(in.ready()).as("nothing after the 220 in plain text").isFalse();

            try (SSLSocket tls = (SSLSocket) trustAll().getSocketFactory()
                    .createSocket(plain, "localhost", hermod.smtpPort(), true)) {
                tls.startHandshake();
                tls.setSoTimeout(1500);
                BufferedReader secure = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream secureOut = tls.getOutputStream();
                try {
                    String unexpected = secure.readLine();
                    throw new AssertionError("the injected RSET was answered: " + unexpected);
                } catch (SocketTimeoutException expected) {
                    // nothing was pending: the RSET was dropped
                }
                tls.setSoTimeout(10_000);
                secureOut.write("MAIL FROM:<a@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(secure.readLine()).as("the session starts over after TLS").startsWith("503 5.5.1");
                secureOut.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readReply(secure)).endsWith("250 AUTH PLAIN LOGIN").doesNotContain("250-STARTTLS");
            }
        }
    }

    @Test
    void connectionOverThePerAddressLimit_gets421() throws Exception {
        InetAddress local = InetAddress.getByName("127.0.0.3");
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket(InetAddress.getByName("127.0.0.1"), hermod.smtpPort(), local, 0);
                s.setSoTimeout(10_000);
                open.add(s);
                assertThat(firstLine(s)).startsWith("220 ");
            }
            try (Socket fourth = new Socket(InetAddress.getByName("127.0.0.1"), hermod.smtpPort(), local, 0)) {
                fourth.setSoTimeout(10_000);
                assertThat(firstLine(fourth)).isEqualTo("421 4.7.0 Error: too many connections, try again later");
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void tooManyProtocolErrors_get421_andTheConnectionCloses() throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
            client.greeting();
            client.send("BOGUS\r\n".repeat(5));
            for (int i = 0; i < 5; i++) {
                assertThat(client.read().code()).isEqualTo(500);
            }
            SmtpTestClient.Response last = client.read();

            assertThat(last.code()).isEqualTo(421);
            assertThat(last.text()).isEqualTo("4.7.0 Error: too many errors, closing connection");
            assertThat(client.awaitClose()).isTrue();
        }
    }

    @Test
    void keyOfAnotherCertificate_orBadUserFile_stopsStartup_withALineNamingTheKey() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.rsa(dir, "one");
        SelfSignedCertificate two = SelfSignedCertificate.rsa(dir, "two");
        Path badUsers = Files.writeString(dir.resolve("bad-users"), "alice:plaintext\n");
        String common = "smtp: {listen: \"127.0.0.1:0\"}\nhttp: {listen: \"127.0.0.1:0\"}\nspool: {path: \""
                + dir.resolve("startup-spool") + "\"}\nlog: {events: \"" + dir.resolve("startup-events.log") + "\"}\n";

        ExternalCommand.Result badKey = runHermod(common + "tls: {cert: \"" + one.cert() + "\", key: \"" + two.key() + "\"}\n");
        ExternalCommand.Result badFile = runHermod(common + "auth: {users: \"" + badUsers + "\"}\n");

        assertThat(badKey.exitCode()).as(badKey.output()).isEqualTo(2);
        assertThat(badKey.output().strip().lines().reduce((a, b) -> b).orElseThrow())
                .isEqualTo("tls.key: " + two.key() + " is not the key of the certificate in " + one.cert());
        assertThat(badFile.exitCode()).as(badFile.output()).isEqualTo(2);
        assertThat(badFile.output().strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("auth.users: "
                + badUsers + " line 1: the password of alice is not a bcrypt hash (make one with hermod passwd)");
    }

    @Test
    void passwdWithoutAUser_exits2WithUsage() throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(List.of(javaBinary(), "-jar", HermodProcess.jar().toString(),
                "passwd"), "", Duration.ofSeconds(60));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).startsWith("passwd: needs a user name");
    }

    private ExternalCommand.Result runHermod(String yaml) throws Exception {
        Path config = Files.writeString(Files.createTempFile(dir, "hermod", ".yaml"), yaml);
        return ExternalCommand.run(List.of(javaBinary(), "-jar", HermodProcess.jar().toString(), "--config",
                config.toString()), "", Duration.ofSeconds(60));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String firstLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    /** The lines of one (possibly multi-line) reply. */
    private static List<String> readReply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
