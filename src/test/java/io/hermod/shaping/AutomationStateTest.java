package io.hermod.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AutomationStateTest {

    private static final AutomationRule AT_ONCE = new AutomationRule("tss04",
            Pattern.compile("^421 4\\.7\\.0 \\[TSS04\\]"), null, new AutomationRule.Suspend(), Duration.ofHours(1));
    private static final AutomationRule THRESHOLD = new AutomationRule("busy", Pattern.compile("4\\.7\\.500"),
            Rate.parse("3/10m"), new AutomationRule.Suspend(), Duration.ofMinutes(15));

    private final AutomationState state = new AutomationState();

    @Test
    void anImmediateRuleFiresOnTheFirstMatch_only() {
        assertThat(state.observe(List.of(AT_ONCE), "421 4.7.0 [TSS04] Messages temporarily deferred", 0))
                .containsExactly(AT_ONCE);
        assertThat(state.observe(List.of(AT_ONCE), "421 4.7.0 too many connections", 0)).isEmpty();
    }

    @Test
    void aThresholdRuleFiresOnTheNthMatchWithinItsPeriod() {
        List<AutomationRule> rules = List.of(THRESHOLD);
        String busy = "451 4.7.500 Server busy. Please try again later";
        assertThat(state.observe(rules, busy, 0)).isEmpty();
        assertThat(state.observe(rules, busy, 60_000)).isEmpty();
        assertThat(state.observe(rules, busy, 120_000)).containsExactly(THRESHOLD);
        // counting starts again after it fired
        assertThat(state.observe(rules, busy, 130_000)).isEmpty();
    }

    @Test
    void matchesOutsideThePeriodDoNotCount() {
        List<AutomationRule> rules = List.of(THRESHOLD);
        String busy = "451 4.7.500 Server busy";
        state.observe(rules, busy, 0);
        state.observe(rules, busy, 1000);
        assertThat(state.observe(rules, busy, 600_500)).isEmpty(); // the first fell out of the window
        assertThat(state.observe(rules, busy, 600_800)).containsExactly(THRESHOLD); // 1000, 600500, 600800
    }
}
