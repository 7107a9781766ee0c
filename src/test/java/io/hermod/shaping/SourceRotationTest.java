package io.hermod.shaping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceRotationTest {

    private static Map<String, Integer> pool(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void weightsThreeToOne_giveThreeQuartersAndOneQuarter_interleaved() {
        SourceRotation r = new SourceRotation(pool("a", 3, "b", 1));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(r.next(s -> true));
        }
        assertThat(order.toString()).isEqualTo("aabaaaba");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(r.next(s -> true), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("a", 750).containsEntry("b", 250);
        assertThat(order.toString()).doesNotContain("aaaa").contains("b");
    }

    @Test
    void anUnusableSourceIsPassedOver_andNoneUsableIsNull() {
        SourceRotation r = new SourceRotation(pool("a", 3, "b", 1, "c", 1));
        for (int i = 0; i < 20; i++) {
            assertThat(r.next(s -> !s.equals("a"))).isIn("b", "c");
        }
        assertThat(r.next(s -> false)).isNull();
    }
}
