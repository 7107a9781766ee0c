package io.hermod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a server: usage errors, config check, the top frame, the metrics parser. */
class CliTest {

    @TempDir
    Path dir;

    @Test
    void unknownOption_exits2_withOneLineNamingIt() {
        CliRun r = CliRun.run("--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("--frobnicate: unknown argument; see hermod --help");
    }

    @Test
    void configWithoutFile_exits2() {
        CliRun r = CliRun.run("--config");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("--config: needs a file name");
    }

    @Test
    void subcommandErrors_exit2_namingTheCommand() {
        assertThat(CliRun.run("queue", "bounce").err().strip())
                .isEqualTo("queue bounce: Missing required option: '--domain=DOMAIN'");
        assertThat(CliRun.run("queue", "suspend").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("bench", "--concurrency", "0").err().strip())
                .isEqualTo("bench: --concurrency: 1..10000, got 0");
        assertThat(CliRun.run("bench", "--size", "big").err()).contains("not a size");
        assertThat(CliRun.run("sink", "--reject-rate", "2").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("queue", "list", "--url", "ftp://x").err().strip()).startsWith("--url: ");
    }

    @Test
    void help_listsEveryCommand() {
        CliRun r = CliRun.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("serve", "config", "queue", "top", "bench", "sink", "passwd", "dkim");
    }

    @Test
    void configCheck_goodFile_ok_badValue_exits2NamingTheKey() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), "smtp:\n  max_recipients: 50\n");
        CliRun ok = CliRun.run("config", "check", good.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out().strip()).isEqualTo(good + ": ok");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "smtp:\n  max_recipients: 0\n");
        CliRun refused = CliRun.run("config", "check", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("smtp.max_recipients: must be between 1 and 100000, got 0");

        CliRun env = CliRun.run(Map.of("HERMOD_HTTP_INJECT_MAX_RECIPIENTS", "0"), "config", "check", good.toString());
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.err()).startsWith("http.inject.max_recipients (from HERMOD_HTTP_INJECT_MAX_RECIPIENTS)");

        assertThat(CliRun.run("config", "check", dir.resolve("none.yaml").toString()).err())
                .startsWith("config: cannot read");

        Path shaping = Files.writeString(dir.resolve("shaping.yaml"), "default:\n  connection_limit: 0\n");
        Path withShaping = Files.writeString(dir.resolve("shaped.yaml"), "shaping:\n  path: \"" + shaping + "\"\n");
        CliRun badShaping = CliRun.run("config", "check", withShaping.toString());
        assertThat(badShaping.exitCode()).isEqualTo(2);
        assertThat(badShaping.err().strip()).isEqualTo("shaping.path: " + shaping
                + ": default.connection_limit: must be between 1 and 100000, got 0");
    }

    @Test
    void queueCommand_serverDown_exits1() {
        CliRun r = CliRun.run("queue", "list", "--url", "http://127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("cannot connect to http://127.0.0.1:1");
    }

    @Test
    void topFrame_ratesOverTheInterval_domainsBySize_replyCodes() {
        PrometheusText before = PrometheusText.parse("""
                # HELP hermod_intake_messages_total x
                hermod_intake_messages_total{result="accepted",} 100.0
                hermod_delivery_attempts_total{result="delivered",} 50.0
                hermod_delivery_replies_total{code="250",stage="end_of_data",} 50.0
                hermod_intake_replies_total{code="250",} 400.0
                """);
        PrometheusText after = PrometheusText.parse("""
                hermod_intake_messages_total{result="accepted",} 300.0
                hermod_delivery_attempts_total{result="delivered",} 150.0
                hermod_delivery_attempts_total{result="deferred",} 10.0
                hermod_delivery_replies_total{code="250",stage="end_of_data",} 150.0
                hermod_delivery_replies_total{code="451",stage="rcpt",} 10.0
                hermod_intake_replies_total{code="250",} 1200.0
                hermod_outbound_connections 4.0
                """);
        JsonObject queues = new JsonObject()
                .put("domains", new JsonArray()
                        .add(new JsonObject().put("domain", "small.test").put("ready", 1).put("scheduled", 0)
                                .put("in_flight", 0).put("suspended", false).put("oldest_age_seconds", 5))
                        .add(new JsonObject().put("domain", "big.test").put("ready", 10).put("scheduled", 90)
                                .put("in_flight", 2).put("suspended", true).put("oldest_age_seconds", 7200)))
                .put("totals", new JsonObject().put("ready", 11).put("scheduled", 90).put("in_flight", 2)
                        .put("messages", 103));
        Instant t0 = Instant.parse("2026-12-05T08:00:00Z");

        String frame = TopCommand.frame(new TopCommand.Sample(t0, before, queues),
                new TopCommand.Sample(t0.plusSeconds(2), after, queues), "http://127.0.0.1:8025", 10);

        assertThat(frame).contains("accepted        100.0 msg/s   total 300");
        assertThat(frame).contains("delivered 50.0/s").contains("deferred 5.0/s");
        assertThat(frame).contains("queue             103 messages: 11 ready, 90 scheduled, 2 in flight");
        assertThat(frame).contains("connections  in 0, out 4");
        assertThat(frame.indexOf("big.test")).isLessThan(frame.indexOf("small.test"));
        assertThat(frame).containsPattern("big\\.test\\s+10\\s+90\\s+2\\s+yes\\s+2h");
        assertThat(frame).contains("intake    250: 400.0").contains("delivery  250: 50.0  451: 5.0");
    }

    @Test
    void prometheusText_labelsWithEscapes_andOddLinesSkipped() {
        PrometheusText t = PrometheusText.parse("a{x=\"q\\\"uote\",y=\"2\"} 3\nnot a sample\nb 1.5e3 1700000000\n");
        assertThat(t.byLabel("a", "x")).containsEntry("q\"uote", 3.0);
        assertThat(t.sum("b")).isEqualTo(1500.0);
    }
}
