package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.MemoryBudget;
import org.junit.jupiter.api.Test;

class InjectionAdmissionTest {

    @Test
    void overTheCap_isRefused_untilOneLeaves() {
        InjectionAdmission admission = new InjectionAdmission(2, MemoryBudget.unlimited(), 1000);
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.tryEnter()).isFalse();
        admission.leave();
        assertThat(admission.tryEnter()).isTrue();
        assertThat(admission.tryEnter()).isFalse();
    }
}
