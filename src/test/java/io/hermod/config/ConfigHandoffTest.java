package io.hermod.config;

import static io.hermod.config.ConfigTexts.assertRejected;
import static io.hermod.config.ConfigTexts.parse;
import static io.hermod.config.ConfigTexts.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigHandoffTest {

  @Test
  void defaults_noPeer_ownToken_fiveMinutes() {
    HandoffConfig handoff = parse("").handoff();
    assertThat(handoff.to()).isEmpty();
    assertThat(handoff.token()).isEmpty();
    assertThat(handoff.timeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void peerTokenAndTimeout_fromTheFileAndTheEnvironment() {
    HandoffConfig handoff = parse("cluster:\n  handoff_to: http://hermod:8025\n  handoff_token: t0k\n"
        + "  handoff_timeout: 90s\n").handoff();
    assertThat(handoff.to()).contains(URI.create("http://hermod:8025"));
    assertThat(handoff.token()).contains("t0k");
    assertThat(handoff.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConfigLoader.parse("", Map.of("HERMOD_CLUSTER_HANDOFF_TO", "https://hermod-1.hermod-headless:8025/"))
        .handoff().to()).contains(URI.create("https://hermod-1.hermod-headless:8025/"));
  }

  @Test
  void badPeer_stopsStartUpNamingTheKey() {
    assertRejected(yaml("cluster.handoff_to", "ftp://hermod:8025"))
        .hasMessage("cluster.handoff_to: must be an http:// or https:// URL, got \"ftp://hermod:8025\"");
    assertRejected(yaml("cluster.handoff_to", "hermod-1:8025"))
        .hasMessageStartingWith("cluster.handoff_to: ");
    assertRejected(yaml("cluster.handoff_to", "http://:8025"))
        .hasMessageStartingWith("cluster.handoff_to: ");
    assertRejected(yaml("cluster.handoff_to", "http://user:pw@hermod:8025"))
        .hasMessageStartingWith("cluster.handoff_to: must not have");
    assertRejected(yaml("cluster.handoff_timeout", "0s"))
        .hasMessageStartingWith("cluster.handoff_timeout: must be between 1s and 1d");
    assertRejected(yaml("cluster.handoff_token", "a b")).hasMessageStartingWith("cluster.handoff_token: ");
  }
}
