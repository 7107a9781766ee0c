package io.hermod.shaping;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One reply-driven rule: when a server's reply ({@code code enhanced text}, e.g. {@code 421 4.7.0
 * [TSS04] Messages temporarily deferred}) matches {@code pattern} — at once, or {@code threshold}
 * times within its period — {@code action} applies to the site × source for {@code duration}.
 * Only replies from servers count; Hermod's own local failures never trigger a rule.
 *
 * @param threshold null to act on the first match
 */
public record AutomationRule(String name, Pattern pattern, Rate threshold, Action action, Duration duration) {

    /** What a rule does while it is in force. */
    public sealed interface Action permits Suspend, Set, Bounce {
        String keyword();
    }

    /** No delivery to the site × source; waiting mail goes through the pool's other sources or waits. */
    public record Suspend() implements Action {
        @Override
        public String keyword() {
            return "suspend";
        }
    }

    /** Shaping keys replaced for the duration (e.g. {@code max_message_rate: 1/min}). */
    public record Set(Map<ShapingKey, Object> values) implements Action {
        public Set {
            values = Map.copyOf(values);
        }

        @Override
        public String keyword() {
            return "set";
        }
    }

    /** Waiting mail, and mail that arrives for the duration, bounces with the reply that triggered it. */
    public record Bounce() implements Action {
        @Override
        public String keyword() {
            return "bounce";
        }
    }

    public boolean matches(String replyText) {
        return pattern.matcher(replyText).find();
    }
}
