package io.hermod.queue;

/**
 * A suspension or an automation action on one site × source, as every pod of a cluster shares it:
 * {@code kind} is {@code suspend}, {@code set} (the named rule's values) or {@code bounce}; it lasts
 * until {@code untilMillis}. {@code why} is the reason shown by the API (for a bounce, the reply);
 * {@code takenMillis} when it was taken, so that a resume made later is not undone by an older copy.
 */
public record SiteAction(String site, String source, String kind, long untilMillis, String why, String rule,
                         long takenMillis) {

    /** An action taken at an unknown time (0): any later resume wins over it. */
    public SiteAction(String site, String source, String kind, long untilMillis, String why, String rule) {
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
