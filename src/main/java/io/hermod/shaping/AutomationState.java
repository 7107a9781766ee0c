package io.hermod.shaping;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule counters of one site × source: which rules a server's reply sets off. A rule with a
 * threshold ({@code 3/10m}) fires when that many matching replies fell within the period; its
 * count then starts again. Not thread-safe: one per site × source, on the site's event loop.
 */
public final class AutomationState {

    private final Map<String, ArrayDeque<Long>> seen = new HashMap<>();

    /** The rules of {@code rules} that fire on {@code replyText} at {@code nowMillis}. */
    public List<AutomationRule> observe(List<AutomationRule> rules, String replyText, long nowMillis) {
        List<AutomationRule> fired = null;
        for (AutomationRule rule : rules) {
            if (!rule.matches(replyText)) {
                continue;
            }
            if (rule.threshold() == null || counted(rule, nowMillis)) {
                if (fired == null) {
                    fired = new ArrayList<>(1);
                }
                fired.add(rule);
            }
        }
        return fired == null ? List.of() : fired;
    }

    private boolean counted(AutomationRule rule, long nowMillis) {
        ArrayDeque<Long> times = seen.computeIfAbsent(rule.name(), n -> new ArrayDeque<>());
        long window = rule.threshold().period().toMillis();
        while (!times.isEmpty() && nowMillis - times.peekFirst() >= window) {
            times.pollFirst();
        }
        times.addLast(nowMillis);
        if (times.size() >= rule.threshold().count()) {
            times.clear();
            return true;
        }
        return false;
    }
}
