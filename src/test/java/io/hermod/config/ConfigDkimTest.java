package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** dkim.domains and dkim.default: signers, dual signing, the environment's JSON form, and each error's exact line. */
class ConfigDkimTest {

  @TempDir
  Path dir;

  private Path rsa;
  private Path ed;

  @BeforeEach
  void keys() throws IOException {
    // The loader checks only that key files are readable; parsing them is the signer's business.
    rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN PRIVATE KEY-----\n");
    ed = Files.writeString(dir.resolve("ed.pem"), "-----BEGIN PRIVATE KEY-----\n");
  }

  /** The text with $RSA and $ED replaced by the key files' paths. */
  private String withKeys(String text) {
    return text.replace("$RSA", rsa.toString()).replace("$ED", ed.toString());
  }

  private HermodConfig load(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(withKeys(yaml), env);
  }

  private DkimSignerConfig signer(String domain, String selector, Path key, String algorithm) {
    return new DkimSignerConfig(domain, selector, key, algorithm, List.of(), List.of(), Optional.empty(),
        "relaxed", "relaxed");
  }

  @Test
  void byDefault_nothingIsSigned() {
    assertThat(ConfigLoader.defaults().dkim()).isEqualTo(new DkimConfig(Map.of(), Optional.empty()));
    assertThat(parse("dkim:\n  domains:\n  default:\n").dkim()).isEqualTo(ConfigLoader.defaults().dkim());
  }

  @Test
  void oneSigner_getsTheDefaults() {
    HermodConfig c = load("""
        dkim:
          domains:
            Example.COM:
              - {selector: s2025, key: "$RSA", algorithm: rsa-sha256}
        """, Map.of());

    assertThat(c.dkim().domains()).isEqualTo(Map.of("example.com",
        List.of(signer("example.com", "s2025", rsa, DkimSignerConfig.RSA_SHA256))));
    assertThat(c.dkim().defaultSigner()).isEmpty();
  }

  @Test
  void dualSigning_withEveryField() {
    HermodConfig c = load("""
        dkim:
          domains:
            example.com:
              - selector: rsa.2025
                key: "$RSA"
                algorithm: RSA-SHA256
                headers: [From, To, Subject, Date, X-Campaign]
                over_sign: [From, Subject]
                expire: 7d
                canonicalization: simple/relaxed
              - {selector: ed2025, key: "$ED", algorithm: ed25519-sha256, canonicalization: simple/simple}
            example.org:
              - {selector: s1, key: "$ED", algorithm: ed25519-sha256, headers: "From,Subject", expire: 1m}
        """, Map.of());

    assertThat(c.dkim().domains().get("example.com")).containsExactly(
        new DkimSignerConfig("example.com", "rsa.2025", rsa, "rsa-sha256",
            List.of("From", "To", "Subject", "Date", "X-Campaign"), List.of("From", "Subject"),
            Optional.of(Duration.ofDays(7)), "simple", "relaxed"),
        new DkimSignerConfig("example.com", "ed2025", ed, "ed25519-sha256", List.of(), List.of(), Optional.empty(),
            "simple", "simple"));
    assertThat(c.dkim().domains().get("example.org")).containsExactly(
        new DkimSignerConfig("example.org", "s1", ed, "ed25519-sha256", List.of("From", "Subject"), List.of(),
            Optional.of(Duration.ofMinutes(1)), "relaxed", "relaxed"));
  }

  @Test
  void oneSignerAsAMap_isAOneItemList() {
    HermodConfig c = load("""
        dkim:
          domains:
            example.com: {selector: s1, key: "$RSA", algorithm: rsa-sha256}
        """, Map.of());

    assertThat(c.dkim().domains()).isEqualTo(Map.of("example.com",
        List.of(signer("example.com", "s1", rsa, "rsa-sha256"))));
  }

  @Test
  void defaultSigner_namesItsDomain() {
    HermodConfig c = load("""
        dkim:
          default:
            domain: Mail.Example.NET
            selector: s1
            key: "$ED"
            algorithm: ed25519-sha256
            expire: 365d
        """, Map.of());

    assertThat(c.dkim().domains()).isEmpty();
    assertThat(c.dkim().defaultSigner()).contains(new DkimSignerConfig("mail.example.net", "s1", ed,
        "ed25519-sha256", List.of(), List.of(), Optional.of(Duration.ofDays(365)), "relaxed", "relaxed"));
  }

  @Test
  void defaultSigner_offInEveryForm() {
    for (String off : List.of("off", "\"off\"", "false", "", "\"\"")) {
      assertThat(parse("dkim:\n  default: " + off + "\n").dkim().defaultSigner()).as(off).isEmpty();
    }
    assertThat(load("", Map.of("HERMOD_DKIM_DEFAULT", "off")).dkim().defaultSigner()).isEmpty();
    assertThat(load("", Map.of("HERMOD_DKIM_DEFAULT", "")).dkim().defaultSigner()).isEmpty();
  }

  @Test
  void env_takesJson_andWinsOverTheFile() {
    String file = """
        dkim:
          domains:
            example.org: [{selector: old, key: "$RSA", algorithm: rsa-sha256}]
        """;
    Map<String, String> env = Map.of(
        "HERMOD_DKIM_DOMAINS", withKeys("{\"example.com\": [{\"selector\": \"s1\", \"key\": \"$RSA\", "
            + "\"algorithm\": \"rsa-sha256\"}, {\"selector\": \"s2\", \"key\": \"$ED\", \"algorithm\": \"ed25519-sha256\", "
            + "\"over_sign\": [\"From\"], \"expire\": \"2d\"}]}"),
        "HERMOD_DKIM_DEFAULT", withKeys("{\"domain\": \"example.net\", \"selector\": \"d\", \"key\": \"$RSA\", "
            + "\"algorithm\": \"rsa-sha256\"}"));

    HermodConfig c = load(file, env);

    assertThat(c.dkim().domains()).isEqualTo(Map.of("example.com", List.of(
        signer("example.com", "s1", rsa, "rsa-sha256"),
        new DkimSignerConfig("example.com", "s2", ed, "ed25519-sha256", List.of(), List.of("From"),
            Optional.of(Duration.ofDays(2)), "relaxed", "relaxed"))));
    assertThat(c.dkim().defaultSigner()).contains(signer("example.net", "d", rsa, "rsa-sha256"));
  }

  @Test
  void env_takesYamlFlow_andEmptyClearsTheFile() {
    String file = "dkim:\n  domains: {example.org: [{selector: s, key: \"$RSA\", algorithm: rsa-sha256}]}\n";

    assertThat(load("", Map.of("HERMOD_DKIM_DOMAINS", withKeys("{example.com: {selector: s1, key: '$RSA', "
        + "algorithm: rsa-sha256}}"))).dkim().domains())
        .isEqualTo(Map.of("example.com", List.of(signer("example.com", "s1", rsa, "rsa-sha256"))));
    assertThat(load(file, Map.of("HERMOD_DKIM_DOMAINS", "")).dkim().domains()).isEmpty();
    assertThat(load(file, Map.of("HERMOD_DKIM_DOMAINS", "{}")).dkim().domains()).isEmpty();
  }

  @Test
  void quotedTextInTheFile_isTheSameAsTheEnvironmentForm() {
    HermodConfig c = load("dkim:\n  domains: '{\"example.com\": [{\"selector\": \"s1\", \"key\": \"$RSA\", "
        + "\"algorithm\": \"rsa-sha256\"}]}'\n", Map.of());

    assertThat(c.dkim().domains()).isEqualTo(Map.of("example.com",
        List.of(signer("example.com", "s1", rsa, "rsa-sha256"))));
  }

  @Test
  void records_areImmutable() {
    HermodConfig c = load("""
        dkim:
          domains:
            example.com: [{selector: s1, key: "$RSA", algorithm: rsa-sha256, headers: [From]}]
        """, Map.of());

    assertThatThrownBy(() -> c.dkim().domains().put("a", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.dkim().domains().get("example.com").clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.dkim().domains().get("example.com").get(0).headers().add("To"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** The signer lists of dkim.domains.example.com, one per line, as YAML flow. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      missing key file      | [{selector: s1, key: /nonexistent/k.pem, algorithm: rsa-sha256}]  | dkim.domains.example.com[0].key: cannot read /nonexistent/k.pem: no such file
      key is a directory    | [{selector: s1, key: /, algorithm: rsa-sha256}]                  | dkim.domains.example.com[0].key: cannot read /: not a regular file
      unknown algorithm     | [{selector: s1, key: $RSA, algorithm: rsa-sha512}]                | dkim.domains.example.com[0].algorithm: must be rsa-sha256 or ed25519-sha256, got "rsa-sha512"
      bare algorithm        | [{selector: s1, key: $RSA, algorithm: ed25519}]                   | dkim.domains.example.com[0].algorithm: must be rsa-sha256 or ed25519-sha256, got "ed25519"
      rsa-sha1              | [{selector: s1, key: $RSA, algorithm: rsa-sha1}]                  | dkim.domains.example.com[0].algorithm: rsa-sha1 must not be used for signing (RFC 8301); use rsa-sha256 or ed25519-sha256
      bad selector          | [{selector: s_1, key: $RSA, algorithm: rsa-sha256}]               | dkim.domains.example.com[0].selector: not a valid selector (dot-separated labels of letters, digits and hyphens): "s_1"
      selector with a dot   | [{selector: .s1, key: $RSA, algorithm: rsa-sha256}]               | dkim.domains.example.com[0].selector: not a valid selector (dot-separated labels of letters, digits and hyphens): ".s1"
      missing selector      | [{key: $RSA, algorithm: rsa-sha256}]                              | dkim.domains.example.com[0].selector: must be set
      missing key           | [{selector: s1, algorithm: rsa-sha256}]                           | dkim.domains.example.com[0].key: must be set
      missing algorithm     | [{selector: s1, key: $RSA}]                                       | dkim.domains.example.com[0].algorithm: must be set
      three signers         | [{selector: a, key: $RSA, algorithm: rsa-sha256}, {selector: b, key: $ED, algorithm: ed25519-sha256}, {selector: c, key: $RSA, algorithm: rsa-sha256}] | dkim.domains.example.com: at most 2 signers (one rsa-sha256, one ed25519-sha256), got 3
      same algorithm twice  | [{selector: a, key: $RSA, algorithm: rsa-sha256}, {selector: b, key: $RSA, algorithm: rsa-sha256}] | dkim.domains.example.com[1].algorithm: same as [0] (rsa-sha256); of two signers for one domain, one must be rsa-sha256 and the other ed25519-sha256
      unknown field         | [{selector: s1, key: $RSA, algorithm: rsa-sha256, selectr: s2}]   | dkim.domains.example.com[0].selectr: unknown key
      domain inside a domain | [{domain: example.org, selector: s1, key: $RSA, algorithm: rsa-sha256}] | dkim.domains.example.com[0].domain: unknown key
      expire too short      | [{selector: s1, key: $RSA, algorithm: rsa-sha256, expire: 30s}]   | dkim.domains.example.com[0].expire: must be between 1m and 365d, got 30s
      expire too long       | [{selector: s1, key: $RSA, algorithm: rsa-sha256, expire: 366d}]  | dkim.domains.example.com[0].expire: must be between 1m and 365d, got 366d
      expire not a duration | [{selector: s1, key: $RSA, algorithm: rsa-sha256, expire: soon}]  | dkim.domains.example.com[0].expire: not a duration: "soon"
      second signer bad     | [{selector: a, key: $RSA, algorithm: rsa-sha256}, {selector: b, key: /nonexistent/e.pem, algorithm: ed25519-sha256}] | dkim.domains.example.com[1].key: cannot read /nonexistent/e.pem: no such file
      single map bad        | {selector: s1, key: $RSA, algorithm: rsa-sha1}                    | dkim.domains.example.com.algorithm: rsa-sha1 must not be used for signing (RFC 8301); use rsa-sha256 or ed25519-sha256
      canonicalization      | [{selector: s1, key: $RSA, algorithm: rsa-sha256, canonicalization: relaxed}] | dkim.domains.example.com[0].canonicalization: must be one of relaxed/relaxed, relaxed/simple, simple/relaxed, simple/simple, got "relaxed"
      header name           | [{selector: s1, key: $RSA, algorithm: rsa-sha256, headers: [From, 'Reply To']}] | dkim.domains.example.com[0].headers: not a valid header field name: "Reply To"
      header without From   | [{selector: s1, key: $RSA, algorithm: rsa-sha256, headers: [To, Subject]}] | dkim.domains.example.com[0].headers: must include From (RFC 6376 5.4: From is always signed)
      empty headers         | [{selector: s1, key: $RSA, algorithm: rsa-sha256, headers: []}]   | dkim.domains.example.com[0].headers: must not be empty (leave it out for the default list)
      over_sign name        | [{selector: s1, key: $RSA, algorithm: rsa-sha256, over_sign: ['From:']}] | dkim.domains.example.com[0].over_sign: not a valid header field name: "From:"
      headers not a list    | [{selector: s1, key: $RSA, algorithm: rsa-sha256, headers: {From: 1}}] | dkim.domains.example.com[0].headers: expected a header field name or a list of them, got a map
      no signers            | []                                                                | dkim.domains.example.com: must not be empty (leave the domain out to sign nothing for it)
      nothing               | ``                                                                | dkim.domains.example.com: expected a list of signers, got nothing
      signer not a map      | [s1]                                                              | dkim.domains.example.com[0]: expected a signer (a map of selector, key, algorithm, ...), got a string
      """)
  void badSigner_namesItsPlace(String what, String signers, String message) {
    String yaml = "dkim:\n  domains:\n    example.com: " + (signers == null ? "" : signers) + "\n";

    assertRejected(withKeys(yaml)).hasMessage(withKeys(message));
  }

  @Test
  void selector_tooLongForDns_isRejected() {
    String selector = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60);
    String yaml = "dkim:\n  domains:\n    example.com: [{selector: " + selector + ", key: $RSA, algorithm: rsa-sha256}]\n";

    assertRejected(withKeys(yaml)).hasMessage("dkim.domains.example.com[0].selector: " + selector
        + "._domainkey.example.com is longer than 253 characters");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      bad domain       | {a_b: [{selector: s1, key: $RSA, algorithm: rsa-sha256}]}         | dkim.domains: not a valid domain name: "a_b"
      domain twice     | {example.com: {selector: a, key: $RSA, algorithm: rsa-sha256}, Example.com: {selector: b, key: $ED, algorithm: ed25519-sha256}} | dkim.domains: example.com given twice (domains are compared ignoring case)
      a list           | [example.com]                                                     | dkim.domains: expected a map of domain to a list of signers, got a list
      a boolean        | on                                                                | dkim.domains: expected a map of domain to a list of signers, got a boolean (true)
      text of a string | '"example.com"'                                                    | dkim.domains: expected a map of domain to a list of signers, got a string
      """)
  void badDomains_nameTheKey(String what, String value, String message) {
    assertRejected(withKeys("dkim:\n  domains: " + value + "\n")).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      missing domain   | {selector: s1, key: $RSA, algorithm: rsa-sha256}                     | dkim.default.domain: must be set
      bad domain       | {domain: -x.com, selector: s1, key: $RSA, algorithm: rsa-sha256}      | dkim.default.domain: not a valid domain name: "-x.com"
      missing key file | {domain: x.com, selector: s1, key: /nonexistent/k.pem, algorithm: rsa-sha256} | dkim.default.key: cannot read /nonexistent/k.pem: no such file
      rsa-sha1         | {domain: x.com, selector: s1, key: $RSA, algorithm: rsa-sha1}         | dkim.default.algorithm: rsa-sha1 must not be used for signing (RFC 8301); use rsa-sha256 or ed25519-sha256
      unknown field    | {domain: x.com, selector: s1, key: $RSA, algorithm: rsa-sha256, keys: x} | dkim.default.keys: unknown key
      a list           | [{domain: x.com, selector: s1, key: $RSA, algorithm: rsa-sha256}]     | dkim.default: expected a signer (a map of domain, selector, key, algorithm, ...) or off, got a list
      on               | on                                                                    | dkim.default: expected a signer (a map of domain, selector, key, algorithm, ...) or off, got a boolean (true)
      """)
  void badDefault_namesItsPlace(String what, String value, String message) {
    assertRejected(withKeys("dkim:\n  default: " + value + "\n")).hasMessage(withKeys(message));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      HERMOD_DKIM_DOMAINS | {"example.com": [{"selector": "s1", "key": "/nonexistent/k.pem", "algorithm": "rsa-sha256"}]} | dkim.domains.example.com[0].key (from HERMOD_DKIM_DOMAINS): cannot read /nonexistent/k.pem: no such file
      HERMOD_DKIM_DOMAINS | {"example.com": [{"selector": "s1", "key": "$RSA", "algorithm": "rsa-sha1"}]} | dkim.domains.example.com[0].algorithm (from HERMOD_DKIM_DOMAINS): rsa-sha1 must not be used for signing (RFC 8301); use rsa-sha256 or ed25519-sha256
      HERMOD_DKIM_DOMAINS | {"example.com": [{"selector": "s1"}                                    | dkim.domains (from HERMOD_DKIM_DOMAINS): not YAML or JSON: column 36: expected ',' or ']', but got <stream end>
      HERMOD_DKIM_DOMAINS | {"a.com": [], "a.com": []}                                             | dkim.domains (from HERMOD_DKIM_DOMAINS): not YAML or JSON: column 15: found duplicate key a.com
      HERMOD_DKIM_DOMAINS | example.com=s1                                                         | dkim.domains (from HERMOD_DKIM_DOMAINS): expected a map of domain to a list of signers, got a string
      HERMOD_DKIM_DEFAULT | {"domain": "x.com", "selector": "s1", "key": "$RSA", "algorithm": "rsa-sha256", "expire": "0s"} | dkim.default.expire (from HERMOD_DKIM_DEFAULT): must be between 1m and 365d, got 0s
      HERMOD_DKIM_DEFAULT | on                                                                     | dkim.default (from HERMOD_DKIM_DEFAULT): expected a signer (a map of domain, selector, key, algorithm, ...) or off, got a boolean (true)
      """)
  void badEnv_namesThePlaceAndTheVariable(String name, String value, String message) {
    assertRejected("", Map.of(name, withKeys(value))).hasMessage(withKeys(message));
  }
}
