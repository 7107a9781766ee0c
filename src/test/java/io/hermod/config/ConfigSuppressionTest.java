package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** suppression.*: off by default, and each key's values and refusals. */
class ConfigSuppressionTest {

  @Test
  void defaults_areOffForeverPerSenderDomain() {
    assertThat(ConfigLoader.defaults().suppression())
        .isEqualTo(new SuppressionConfig(false, Optional.empty(), SuppressionConfig.Scope.SENDER_DOMAIN));
  }

  @Test
  void yaml_setsEveryKey() {
    SuppressionConfig s = parse("suppression:\n  enabled: true\n  ttl: 30d\n  scope: global\n").suppression();

    assertThat(s).isEqualTo(new SuppressionConfig(true, Optional.of(Duration.ofDays(30)), SuppressionConfig.Scope.GLOBAL));
  }

  @Test
  void env_setsEveryKey() {
    SuppressionConfig s = ConfigLoader.parse("", Map.of("HERMOD_SUPPRESSION_ENABLED", "true",
        "HERMOD_SUPPRESSION_TTL", "off", "HERMOD_SUPPRESSION_SCOPE", "sender_domain")).suppression();

    assertThat(s).isEqualTo(new SuppressionConfig(true, Optional.empty(), SuppressionConfig.Scope.SENDER_DOMAIN));
  }

  @Test
  void badValues_nameTheKey() {
    assertRejected("suppression:\n  enabled: maybe\n")
        .hasMessage("suppression.enabled: must be true or false, got \"maybe\"");
    assertRejected("suppression:\n  scope: domain\n")
        .hasMessage("suppression.scope: must be one of global, sender_domain, got \"domain\"");
    assertRejected("suppression:\n  ttl: 30s\n")
        .hasMessage("suppression.ttl: must be between 1m and 3650d, got 30s");
  }
}
