package io.hermod.queue;

import io.hermod.smtp.EnhancedStatus;
import java.util.Locale;

/**
 * A suspension or an automation action on one site × source, as every pod of a cluster shares it:
 * {@code kind} is a suspension, the named rule's values ({@code SET}) or a bounce; it lasts
 * until {@code untilMillis}. {@code why} is the reason shown by the API (for a bounce, the reply);
 * {@code takenMillis} when it was taken, so that a resume made later is not undone by an older copy;
 * {@code bounceStatus} for a bounce, the permanent form of the reply's enhanced status (null: 5.7.1).
 */
public record SiteAction(String site, String source, Kind kind, long untilMillis, String why, String rule,
                         long takenMillis, EnhancedStatus bounceStatus) {

    /** An action without a bounce status: a suspension, a rule's values (a bounce then bounces with 5.7.1). */
    public SiteAction(String site, String source, Kind kind, long untilMillis, String why, String rule,
                      long takenMillis) {
        this(site, source, kind, untilMillis, why, rule, takenMillis, null);
    }

    /** What an action does; its keyword is how the cluster writes it and how a rule's action is named. */
    public enum Kind {
        SUSPEND, SET, BOUNCE;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind of {@code keyword}, or null for one this version does not know. */
        public static Kind of(String keyword) {
            for (Kind k : values()) {
                if (k.keyword().equals(keyword)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** An action taken at an unknown time (0): any later resume wins over it. */
    public SiteAction(String site, String source, Kind kind, long untilMillis, String why, String rule) {
        this(site, source, kind, untilMillis, why, rule, 0);
    }

    /** The field a cluster keeps it under. */
    public String slot() {
        return site + "|" + source;
    }

    /** Sharing site actions with the other pods; {@link #NONE} for a single process. */
    public interface Sharing {
        void publish(SiteAction action);

        /** The site × source was resumed: its shared action is over everywhere. */
        void withdraw(String site, String source);

        Sharing NONE = new Sharing() {
            @Override
            public void publish(SiteAction action) {
            }

            @Override
            public void withdraw(String site, String source) {
            }
        };
    }
}
