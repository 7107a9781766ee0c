package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** inbound.*, delivery.return_path and feedback.secret: off by default, values, refusals, relations. */
class ConfigFeedbackTest {

  private static final String SECRET = "feedback:\n  secret: 0123456789abcdef\n";

  @Test
  void defaults_consumeNothingRewriteNothing() {
    assertThat(ConfigLoader.defaults().feedback())
        .isEqualTo(new FeedbackConfig(List.of(), 1 << 20, Optional.empty(), Optional.empty()));
  }

  @Test
  void yaml_setsEveryKey_domainsLowerCased() {
    FeedbackConfig f = parse("inbound:\n  domains: [Bounces.Example.com, fbl.example.com]\n  max_size: 256KiB\n"
        + "delivery:\n  return_path: bounces.example.com\n" + SECRET).feedback();

    assertThat(f).isEqualTo(new FeedbackConfig(List.of("bounces.example.com", "fbl.example.com"), 256 * 1024,
        Optional.of("bounces.example.com"), Optional.of("0123456789abcdef")));
    assertThat(f.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void env_setsEveryKey() {
    FeedbackConfig f = ConfigLoader.parse("", Map.of("HERMOD_INBOUND_DOMAINS", "bounces.example.com",
        "HERMOD_DELIVERY_RETURN_PATH", "bounces.example.com", "HERMOD_FEEDBACK_SECRET", "s3cret-s3cret-s3cret")).feedback();

    assertThat(f.returnPath()).contains("bounces.example.com");
    assertThat(f.secret()).contains("s3cret-s3cret-s3cret");
  }

  @Test
  void badValues_nameTheKey() {
    assertRejected("inbound:\n  domains: [\"not a domain\"]\n")
        .hasMessageStartingWith("inbound.domains");
    assertRejected("inbound:\n  max_size: 100\n")
        .hasMessageStartingWith("inbound.max_size: must be between");
    assertRejected("feedback:\n  secret: short\n")
        .hasMessage("feedback.secret: must be at least 16 characters, got 5");
    assertRejected("delivery:\n  return_path: \"b@d\"\n")
        .hasMessageStartingWith("delivery.return_path: ");
  }

  @Test
  void returnPath_needsTheSecret_andAnInboundDomain() {
    assertRejected("inbound:\n  domains: [bounces.example.com]\ndelivery:\n  return_path: bounces.example.com\n")
        .hasMessage("delivery.return_path: needs feedback.secret (it authenticates the bounces that come back)");
    assertRejected("inbound:\n  domains: [fbl.example.com]\ndelivery:\n  return_path: bounces.example.com\n" + SECRET)
        .hasMessage("delivery.return_path: must be one of inbound.domains [fbl.example.com], got bounces.example.com");
  }
}
