package io.hermod.dns;

import java.util.List;
import java.util.Objects;

/** What {@link MxResolver#resolve} found for a domain: hosts to try, or why there are none. */
public sealed interface Resolution permits Resolution.Hosts, Resolution.Failure {

  /**
   * MX hosts in the order to try: ascending preference, random among equal preference (shuffled
   * anew on every resolve() call, also from cache); implicit is true when there was no MX and the
   * domain's own A/AAAA is used (RFC 5321 5.1).
   */
  record Hosts(List<MxHost> hosts, boolean implicit) implements Resolution {

    public Hosts {
      hosts = List.copyOf(hosts);
    }
  }

  /**
   * permanent: 556 5.1.10 for null MX (RFC 7505), 550 5.1.2 for NXDOMAIN, 550 5.4.4 when neither MX
   * nor A/AAAA exist; transient: SERVFAIL, timeout, refused (451 4.4.3), MX hosts none of which has
   * an address (451 4.4.4).
   */
  record Failure(boolean permanent, int replyCode, String enhancedStatus, String reason) implements Resolution {

    public Failure {
      Objects.requireNonNull(enhancedStatus, "enhancedStatus");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
