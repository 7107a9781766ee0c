package io.hermod.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.SuppressionConfig;
import io.hermod.spool.Suppression;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuppressionPolicyTest {

    private static final long NOW = 1_700_000_000_000L;

    private static SuppressionPolicy policy(boolean enabled, Duration ttl, SuppressionConfig.Scope scope) {
        return new SuppressionPolicy(new SuppressionConfig(enabled, Optional.ofNullable(ttl), scope));
    }

    @Test
    void unknownOrInactiveRecipient_isSuppressed_forTheSendersDomain_untilTheTtl() {
        SuppressionPolicy p = policy(true, Duration.ofHours(1), SuppressionConfig.Scope.SENDER_DOMAIN);

        assertThat(p.afterBounce("news@Example.COM", "Gone@dest.test", BounceCategory.INVALID_RECIPIENT, NOW))
                .contains(new Suppression("example.com", "gone@dest.test", "invalid-recipient", NOW, NOW + 3_600_000));
        assertThat(p.afterBounce("news@example.com", "old@dest.test", BounceCategory.INACTIVE_MAILBOX, NOW))
                .hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo("inactive-mailbox"));
    }

    @Test
    void otherCategories_orSuppressionOff_addNothing() {
        SuppressionPolicy on = policy(true, null, SuppressionConfig.Scope.GLOBAL);
        for (BounceCategory c : BounceCategory.values()) {
            if (c != BounceCategory.INVALID_RECIPIENT && c != BounceCategory.INACTIVE_MAILBOX) {
                assertThat(on.afterBounce("a@example.com", "x@dest.test", c, NOW)).as(c.label()).isEmpty();
            }
        }
        assertThat(on.afterBounce("a@example.com", "x@dest.test", null, NOW)).isEmpty();
        assertThat(policy(false, null, SuppressionConfig.Scope.GLOBAL)
                .afterBounce("a@example.com", "x@dest.test", BounceCategory.INVALID_RECIPIENT, NOW)).isEmpty();
    }

    @Test
    void globalScope_neverExpires_withoutTtl_evenForTheNullSender() {
        assertThat(policy(true, null, SuppressionConfig.Scope.GLOBAL)
                .afterBounce("", "x@dest.test", BounceCategory.INVALID_RECIPIENT, NOW))
                .contains(new Suppression("", "x@dest.test", "invalid-recipient", NOW, 0));
        assertThat(policy(true, null, SuppressionConfig.Scope.SENDER_DOMAIN)
                .afterBounce("", "x@dest.test", BounceCategory.INVALID_RECIPIENT, NOW)).isEmpty();
    }
}
