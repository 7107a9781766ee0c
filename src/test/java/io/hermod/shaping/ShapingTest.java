package io.hermod.shaping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapingTest {

    private static final ShapingStore.Base BASE = ShapingStore.Base.of(20, 1000, 100, 1024);
    private static final List<String> GMAIL_MX = List.of("aspmx.l.google.com", "alt1.aspmx.l.google.com");

    private static Shaping shaping(String operatorYaml) {
        return ShapingStore.of(BASE, operatorYaml).current();
    }

    @Test
    void withoutAFile_theBaseValuesAndTheBuiltInProvidersApply() {
        Shaping s = shaping("");
        SiteShaping other = s.resolve(null, s.provider("example.org", List.of("mx.example.org")), "default");
        assertThat(other.connectionLimit()).isEqualTo(20);
        assertThat(other.origin(ShapingKey.CONNECTION_LIMIT)).isEqualTo("hermod.yaml delivery.max_connections_per_destination");
        assertThat(other.maxMessageRate()).isNull();
        assertThat(other.maxReady()).isEqualTo(1024);
        assertThat(other.enableTls()).isEqualTo(TlsMode.OPPORTUNISTIC);

        assertThat(s.provider("gmail.com", GMAIL_MX)).isEqualTo("gmail");
        SiteShaping gmail = s.resolve(null, "gmail", "default");
        assertThat(gmail.connectionLimit()).isEqualTo(10);
        assertThat(gmail.origin(ShapingKey.CONNECTION_LIMIT)).isEqualTo("built-in provider gmail");
        assertThat(s.rules("gmail")).extracting(AutomationRule::name).contains("gmail-unsolicited-rate");
        assertThat(s.rules(null)).isEmpty();
    }

    @Test
    void moreSpecificBlocksWin_andAnOperatorsDefaultDoesNotUndoABuiltInProvider() {
        Shaping s = shaping("""
                default:
                  connection_limit: 50
                  max_message_rate: 100/s
                  sources:
                    ip-b: {max_message_rate: 10/s}
                providers:
                  gmail:
                    max_message_rate: 30/s
                    sources:
                      ip-b: {connection_limit: 3}
                domains:
                  example.com:
                    max_message_rate: 5/s burst 2
                sources:
                  ip-a: {address: 127.0.0.2, ehlo: a.example.net}
                  ip-b: {address: 127.0.0.3}
                """);
        SiteShaping gmailA = s.resolve(null, "gmail", "ip-a");
        assertThat(gmailA.connectionLimit()).isEqualTo(10); // the built-in provider beats any default
        assertThat(gmailA.maxMessageRate()).isEqualTo(Rate.parse("30/s"));
        assertThat(gmailA.origin(ShapingKey.MAX_MESSAGE_RATE)).isEqualTo("shaping.yaml provider gmail");
        SiteShaping gmailB = s.resolve(null, "gmail", "ip-b");
        assertThat(gmailB.connectionLimit()).isEqualTo(3);
        assertThat(gmailB.origin(ShapingKey.CONNECTION_LIMIT)).isEqualTo("shaping.yaml provider gmail source ip-b");
        assertThat(gmailB.maxMessageRate()).isEqualTo(Rate.parse("30/s")); // provider beats default's source entry
        SiteShaping otherB = s.resolve(null, null, "ip-b");
        assertThat(otherB.connectionLimit()).isEqualTo(50);
        assertThat(otherB.maxMessageRate()).isEqualTo(Rate.parse("10/s"));
        SiteShaping domain = s.resolve("example.com", null, "ip-a");
        assertThat(domain.maxMessageRate()).isEqualTo(Rate.parse("5/s burst 2"));
        assertThat(domain.origin(ShapingKey.MAX_MESSAGE_RATE)).isEqualTo("shaping.yaml domain example.com");
        assertThat(s.hasDomainBlock("EXAMPLE.com")).isTrue();
        assertThat(s.hasDomainBlock("example.net")).isFalse();
        assertThat(s.source("ip-a")).isEqualTo(new Source("ip-a", "127.0.0.2", "a.example.net"));
    }

    @Test
    void anOperatorsProviderIsTriedFirst_andMayReplaceABuiltInRule() {
        Shaping s = shaping("""
                providers:
                  workspace:
                    match: [{domain_suffix: corp.example}]
                    connection_limit: 2
                  yahoo:
                    match: [{domain_suffix: yahoo.test}]
                    automation:
                      - {name: yahoo-tss04, match: 'TSS04', trigger: immediate, action: suspend, duration: 5m}
                """);
        assertThat(s.provider("corp.example", GMAIL_MX)).isEqualTo("workspace");
        assertThat(s.provider("mail.corp.example", List.of())).isEqualTo("workspace");
        assertThat(s.provider("yahoo.test", List.of())).isEqualTo("yahoo");
        // the operator's match list replaced the built-in one
        assertThat(s.provider("yahoo.com", List.of("mta5.am0.yahoodns.net"))).isNull();
        AutomationRule rule = s.rules("yahoo").stream().filter(r -> r.name().equals("yahoo-tss04")).findFirst()
                .orElseThrow();
        assertThat(rule.duration()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void providerWideLimits_comeFromProviderBlocksOnly() {
        Shaping s = shaping("""
                default: {connection_limit: 50, max_message_rate: 100/s}
                providers:
                  gmail: {max_message_rate: 30/s, sources: {ip-b: {connection_limit: 3}}}
                  acme: {match: [{domain_suffix: acme.test}], automation: []}
                sources: {ip-b: {address: 127.0.0.3}}
                """);
        ProviderLimits gmail = s.providerLimits("gmail", "default");
        assertThat(gmail.connectionLimit()).isEqualTo(10); // the built-in gmail block
        assertThat(gmail.messageRate()).isEqualTo(Rate.parse("30/s"));
        assertThat(gmail.connectionRate()).isNull();
        assertThat(s.providerLimits("gmail", "ip-b").connectionLimit()).isEqualTo(3);
        // a provider block that sets no limit shares none: default's values stay per site
        assertThat(s.providerLimits("acme", "default")).isEqualTo(ProviderLimits.NONE);
        assertThat(s.providerLimits(null, "default")).isEqualTo(ProviderLimits.NONE);
    }

    @Test
    void theRetrySchedule_isAShapingKeyToo() {
        Shaping s = shaping("domains: {slow.test: {retry_initial: 5m, retry_max: 6h, retry_factor: 1.5}}");
        SiteShaping slow = s.resolve("slow.test", null, "default");
        assertThat(slow.retryInitial()).isEqualTo(Duration.ofMinutes(5));
        assertThat(slow.retryMax()).isEqualTo(Duration.ofHours(6));
        assertThat(slow.retryFactor()).isEqualTo(1.5);
        SiteShaping other = s.resolve(null, null, "default");
        assertThat(other.retryInitial()).isEqualTo(Duration.ofSeconds(60));
        assertThat(other.origin(ShapingKey.RETRY_FACTOR)).isEqualTo("hermod.yaml queue.retry.factor");
        assertThatThrownBy(() -> shaping("default: {retry_factor: 0.5}")).hasMessageContaining(
                "default.retry_factor: must be between 1 and 10");
    }

    @Test
    void pipelineAfterData_isOnByDefault_offForASiteThatSaysSo_andOnlyTrueOrFalse() {
        Shaping s = shaping("domains: {old.test: {pipeline_after_data: false}}");
        assertThat(s.resolve("old.test", null, "default").pipelineAfterData()).isFalse();
        SiteShaping other = s.resolve(null, null, "default");
        assertThat(other.pipelineAfterData()).isTrue();
        assertThat(other.origin(ShapingKey.PIPELINE_AFTER_DATA)).isEqualTo("fixed default");
        assertThatThrownBy(() -> shaping("default: {pipeline_after_data: sometimes}")).hasMessageContaining(
                "default.pipeline_after_data: must be true or false, got \"sometimes\"");
    }

    @Test
    void poolsBySenderDomainAndByRequest() {
        Shaping s = shaping("""
                sources:
                  ip-a: {address: 127.0.0.2}
                  ip-b: {address: 127.0.0.3}
                pools:
                  bulk: {ip-a: 3, ip-b: 1}
                  transactional: {ip-b: 1}
                pool_by_sender_domain:
                  news.example.com: bulk
                """);
        assertThat(s.poolFor(null, "news.example.com")).isEqualTo("bulk");
        assertThat(s.poolFor("transactional", "news.example.com")).isEqualTo("transactional");
        assertThat(s.poolFor("no-such-pool", "other.example")).isEqualTo("default");
        assertThat(s.pool("bulk")).containsEntry("ip-a", 3).containsEntry("ip-b", 1);
        assertThat(s.pool("default")).containsOnlyKeys("default");
    }

    @Test
    void aBadFileNamesTheKeyAndTheProblem() {
        String[][] cases = {
            {"default: {connection_limt: 3}", "shaping.yaml: default.connection_limt: unknown key"},
            {"default: {connection_limit: 0}", "shaping.yaml: default.connection_limit: must be between 1 and 100000, got 0"},
            {"domains: {example.com: {max_message_rate: fast}}", "shaping.yaml: domains.example.com.max_message_rate: not a rate"},
            {"default: {enable_tls: maybe}", "shaping.yaml: default.enable_tls: must be opportunistic, required or disabled"},
            {"pools: {p: {nosuch: 1}}", "shaping.yaml: pools.p.nosuch: no source named \"nosuch\""},
            {"sources: {a: {address: 999.1.1.1}}", "shaping.yaml: sources.a.address: not an IP address"},
            {"automation: [{name: r, match: '(', action: suspend, duration: 1h}]", "shaping.yaml: automation[0].match: not a regular expression"},
            {"automation: [{name: r, match: x, action: explode, duration: 1h}]", "shaping.yaml: automation[0].action: expected suspend, bounce"},
            {"automation: [{name: r, match: x, action: suspend}]", "shaping.yaml: automation[0].duration: a rule needs a duration"},
            {"colour: blue", "shaping.yaml: colour: unknown key"},
            {"providers: {x: {match: }}", "shaping.yaml: providers.x.match: a provider needs at least one match"},
            {"automation: [{name: r, match: x, action: suspend, duration: -5}]", "shaping.yaml: automation[0].duration: must be between 1s and 7d"},
            {"default: {max_message_rate: 1/200000d}", "shaping.yaml: default.max_message_rate: not a rate"},
            {"default: [1, 2", "shaping.yaml: not valid YAML"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> ShapingFile.parse(c[0], "shaping.yaml")).as(c[0])
                    .isInstanceOf(ShapingException.class).hasMessageStartingWith(c[1]);
        }
    }

    @Test
    void aNewProviderNeedsAMatch_butARefinementOfABuiltInOneDoesNot() {
        assertThatThrownBy(() -> shaping("providers: {x: {connection_limit: 3}}"))
                .isInstanceOf(ShapingException.class)
                .hasMessage("shaping.yaml: providers.x.match: a provider needs at least one match (mx_suffix, mx or domain_suffix)");
        assertThat(shaping("providers: {gmail: {connection_limit: 3}}").resolve(null, "gmail", "default")
                .connectionLimit()).isEqualTo(3);
    }

    @Test
    void theShippedExampleParses() throws Exception {
        String example = java.nio.file.Files.readString(java.nio.file.Path.of("conf/shaping.yaml"));
        Shaping s = shaping(example);
        assertThat(s.resolve(null, null, "default").connectionLimit()).isPositive();
    }

    @Test
    void anAutomationOverrideWinsAndSaysWhere() {
        SiteShaping base = shaping("").resolve(null, null, "default");
        SiteShaping over = base.with(java.util.Map.of(ShapingKey.MAX_MESSAGE_RATE,
                java.util.Optional.of(Rate.parse("1/min"))), "automation r");
        assertThat(over.maxMessageRate()).isEqualTo(Rate.parse("1/min"));
        assertThat(over.describe().get("max_message_rate")).containsEntry("value", "1/min")
                .containsEntry("from", "automation r");
    }
}
