package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hermod.dkim.Algorithm;
import io.hermod.dkim.KeyGen;
import io.hermod.dns.Dnsmasq;
import io.hermod.support.Await;
import io.hermod.support.Dkimpy;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM signing at acceptance, end to end: mail taken over SMTP and over HTTP, and the DSN Hermod
 * writes, reach the sink signed, and every signature verifies with dkimpy fetching the public keys
 * over real DNS (a dnsmasq the test starts); mail whose From: domain has no key goes unsigned; a
 * key file replaced on disk signs the next messages without a restart.
 */
class DkimSigningIT {

    @TempDir
    Path dir;

    @Test
    void smtpHttpAndDsn_areSigned_verifiedByDkimpy_andARotatedKeyIsUsedWithoutARestart() throws Exception {
        assumeTrue(Dkimpy.available(), "/usr/bin/python3 lacks dkimpy, dnspython or nacl (python3-dkim)");
        KeyGen.GeneratedKey rsa = KeyGen.generate(Algorithm.RSA_SHA256, 2048);
        KeyGen.GeneratedKey ed = KeyGen.generate(Algorithm.ED25519_SHA256, 0);
        KeyGen.GeneratedKey dsn = KeyGen.generate(Algorithm.ED25519_SHA256, 0);
        KeyGen.GeneratedKey rotated = KeyGen.generate(Algorithm.RSA_SHA256, 2048);
        Path rsaFile = Files.writeString(dir.resolve("rsa.pem"), rsa.privateKeyPem());
        Path edFile = Files.writeString(dir.resolve("ed.pem"), ed.privateKeyPem());
        Path dsnFile = Files.writeString(dir.resolve("dsn.pem"), dsn.privateKeyPem());
        try (Dnsmasq dns = Dnsmasq.start(Dnsmasq.longTxt("r1._domainkey.example.com", rsa.dnsTxt()),
                Dnsmasq.longTxt("e1._domainkey.example.com", ed.dnsTxt()),
                Dnsmasq.longTxt("dsn._domainkey.hermod.test", dsn.dnsTxt()));
             Dnsmasq afterRotation = Dnsmasq.start(Dnsmasq.longTxt("r1._domainkey.example.com", rotated.dnsTxt()),
                     Dnsmasq.longTxt("e1._domainkey.example.com", ed.dnsTxt()));
             TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                    dkim:
                      domains:
                        example.com:
                          - {selector: r1, key: "%s", algorithm: rsa-sha256}
                          - {selector: e1, key: "%s", algorithm: ed25519-sha256}
                        hermod.test:
                          - {selector: dsn, key: "%s", algorithm: ed25519-sha256}
                    """.formatted(rsaFile, edFile, dsnFile));
            try {
                // over SMTP, with a body larger than one spool chunk
                String big = "a line of a long body, signed as it streams into the spool\r\n".repeat(6000);
                send(hermod, "alice@example.com", "x@dest.test", "From: Alice <alice@example.com>\r\n"
                        + "To: x@dest.test\r\nSubject: over smtp\r\n\r\n" + big);
                // over HTTP
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + hermod.httpPort() + "/api/v1/messages"))
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sender", "alice@example.com")
                                .put("recipients", new JsonArray().add("y@dest.test"))
                                .put("message", "From: alice@example.com\r\nTo: y@dest.test\r\nSubject: over http\r\n"
                                        + "\r\nhello over http\r\n").encode()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(202);
                // a bounce: the DSN from MAILER-DAEMON@mx.hermod.test is signed with hermod.test's key
                send(hermod, "alice@example.com", "reject-z@dest.test",
                        "From: alice@example.com\r\nSubject: bounces\r\n\r\nno such user\r\n");
                // no key for this From: domain: unsigned
                send(hermod, "bob@unsigned.test", "w@dest.test", "From: bob@unsigned.test\r\nSubject: plain\r\n\r\nhi\r\n");
                Await.until(() -> sink.received().size() == 4, 30, () -> sink.reads().toString());

                Map<String, List<Boolean>> results = Dkimpy.verify(dir, dns.port(), save(sink.received()));
                assertThat(results).hasSize(4);
                assertThat(results.get("x@dest.test")).containsExactly(true, true);
                assertThat(results.get("y@dest.test")).containsExactly(true, true);
                assertThat(results.get("alice@example.com")).containsExactly(true); // the DSN
                assertThat(results.get("w@dest.test")).isEmpty();
                TestSink.Received dsnMessage = sink.received().stream().filter(m -> m.from().isEmpty()).findFirst()
                        .orElseThrow();
                assertThat(dsnMessage.text()).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");

                // the RSA key file is replaced: within the reload period the next message carries the new key
                Files.writeString(rsaFile, rotated.privateKeyPem());
                long deadline = System.nanoTime() + 30_000_000_000L;
                for (int i = 0; ; i++) {
                    String to = "r" + i + "@dest.test";
                    send(hermod, "alice@example.com", to, "From: alice@example.com\r\nSubject: rotated\r\n\r\nhi\r\n");
                    Await.until(() -> sink.deliveredRecipients().contains(to), 30, () -> sink.reads().toString());
                    TestSink.Received got = sink.received().stream().filter(m -> m.recipients().contains(to))
                            .findFirst().orElseThrow();
                    if (Dkimpy.verify(dir, afterRotation.port(), save(List.of(got))).get(to).equals(List.of(true, true))) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("no message signed with the rotated key after %d tries", i + 1)
                            .isLessThan(deadline);
                    Thread.sleep(500);
                }
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void keyFileThatIsNotAKey_stopsStartUp_namingTheSetting() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TestHermod.start(dir, 1, """
                dkim:
                  domains:
                    example.com: [{selector: s1, key: "%s", algorithm: rsa-sha256}]
                """.formatted(bad)))
                .isInstanceOf(io.hermod.config.ConfigException.class)
                .hasMessageStartingWith("dkim.domains.example.com[0].key: " + bad);
    }

    private static void send(Hermod hermod, String from, String to, String message) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
            client.greeting();
            client.command("EHLO client.test");
            SmtpTestClient.expect(client.sendMail(from, new ArrayList<>(List.of(to)),
                    (message + ".\r\n").getBytes(StandardCharsets.UTF_8)), 250);
        }
    }

    /** Each received message in a file named after its first recipient. */
    private List<Path> save(List<TestSink.Received> messages) throws Exception {
        List<Path> files = new ArrayList<>();
        for (TestSink.Received m : messages) {
            files.add(Files.write(dir.resolve(m.recipients().get(0)), m.data()));
        }
        return files;
    }
}
