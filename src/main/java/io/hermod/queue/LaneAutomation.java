package io.hermod.queue;

import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.shaping.AutomationRule;
import io.hermod.smtp.EnhancedStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reply-driven automation for the lanes of one dispatcher, and the site actions a cluster shares:
 * the servers' replies are matched against the site's rules ({@link #observeReplies}); a rule that
 * fires becomes a {@link SiteAction} that is carried out here and told to the other pods; theirs
 * arrive through {@link #applyShared} and {@link #liftShared}. Every action in force is kept, so
 * that a lane made later starts under it. Runs on the dispatcher's event loop.
 */
final class LaneAutomation {


    /** What carrying out an action does to the dispatcher's lanes. */
    interface Effects {
        /** No delivery starts on the lane before {@code untilMillis}; what waits goes elsewhere or back. */
        void suspend(Lane lane, long untilMillis, String why);

        /** The lane's values changed (an override came or went): take them again. */
        void reshape(Lane lane);

        /** The lane bounces: its waiting mail is settled with {@link Lane#bounceWith}. */
        void bounceWaiting(Lane lane);

        /** The lane of {@code source} at site {@code siteKey}, or null when there is none here. */
        Lane lane(String siteKey, String source);

        /** Lifts what holds back the site's lanes from {@code source}. */
        void resume(String siteKey, String source);
    }

    private final SiteServices s;
    private final Effects effects;
    /** Site actions in force, by {@link SiteAction#slot}: taken here or by another pod. */
    private final Map<String, SiteAction> inForce = new HashMap<>();
    /** When each slot was last resumed here: a shared action taken before that is not applied again. */
    private final Map<String, Long> resumedAt = new HashMap<>();

    LaneAutomation(SiteServices services, Effects effects) {
        this.s = services;
        this.effects = effects;
    }

    /** Matches the servers' replies against the site's rules; Hermod's own failures never count. */
    void observeReplies(Lane lane, List<RecipientOutcome> outcomes) {
        List<AutomationRule> rules = lane.site.rules;
        if (rules.isEmpty()) {
            return;
        }
        String last = null;
        for (RecipientOutcome o : outcomes) {
            if (!(o.outcome() instanceof Outcome.Answered answered) || answered.reply().isPositive()) {
                continue;
            }
            String text = answered.reply().toString();
            if (text.equals(last)) {
                continue; // one reply for a whole transaction counts once
            }
            last = text;
            long now = s.clock().millis();
            for (AutomationRule rule : lane.automation.observe(rules, text, now)) {
                fire(lane, rule, answered, text, now);
            }
        }
    }

    private void fire(Lane lane, AutomationRule rule, Outcome.Answered answered, String reply, long now) {
        long until = now + rule.duration().toMillis();
        String provider = lane.site.provider == null ? "none" : lane.site.provider;
        s.observer().automation(lane.site.name(), provider, lane.source, rule, reply, until);
        SiteAction action = new SiteAction(lane.site.key, lane.source, SiteAction.Kind.of(rule.action().keyword()), until,
                rule.action() instanceof AutomationRule.Bounce ? reply : "automation " + rule.name() + ": " + reply,
                rule.name(), now, permanent(answered.status()));
        inForce.put(action.slot(), action);
        enact(lane, action);
        s.sharing().publish(action);
    }

    /** An operator's action taken here: kept and told to the other pods (the caller carries it out). */
    void record(SiteAction action) {
        inForce.put(action.slot(), action);
        s.sharing().publish(action);
    }

    /** An operator resumed the site × source here: over everywhere. */
    void forget(String siteKey, String source) {
        inForce.remove(siteKey + "|" + source);
        resumedAt.put(siteKey + "|" + source, s.clock().millis());
        s.sharing().withdraw(siteKey, source);
    }

    /** Carries out a suspension or an automation action on the lane, taken here or by another pod. */
    private void enact(Lane lane, SiteAction action) {
        switch (action.kind()) {
            case SUSPEND -> effects.suspend(lane, action.untilMillis(), action.why());
            case SET -> {
                AutomationRule rule = ruleNamed(lane.site, action.rule());
                if (rule != null && rule.action() instanceof AutomationRule.Set) {
                    lane.override = rule;
                    lane.overrideUntil = action.untilMillis();
                    effects.reshape(lane);
                }
            }
            case BOUNCE -> {
                lane.bounceUntil = action.untilMillis();
                // The status travels with the action; one from a pod that did not send it is read from the reply.
                EnhancedStatus status = action.bounceStatus() != null ? action.bounceStatus() : bounceStatus(action.why());
                lane.bounceWith = new Outcome.Failed(Failure.POLICY, null, status,
                        "bounced by shaping rule " + action.rule() + " after " + action.why());
                effects.bounceWaiting(lane);
            }
        }
    }

    private static AutomationRule ruleNamed(Site site, String name) {
        for (AutomationRule r : site.rules) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** The permanent form of a reply's enhanced status ({@code 4.7.0} bounces as {@code 5.7.0}); 5.7.1 without one. */
    static EnhancedStatus permanent(EnhancedStatus status) {
        return status == null ? new EnhancedStatus(5, 7, 1) : new EnhancedStatus(5, status.subject(), status.detail());
    }

    /** The bounce status of an action shared by a pod that sent the reply's text only. */
    static EnhancedStatus bounceStatus(String reply) {
        EnhancedStatus found = null;
        if (reply.length() > 4 && reply.charAt(3) == ' ') {
            String rest = reply.substring(4);
            found = EnhancedStatus.leading(rest, 4);
            if (found == null) {
                found = EnhancedStatus.leading(rest, 5);
            }
        }
        return permanent(found);
    }

    /** Another pod suspended a site × source or applied a rule to it: the same here, now and for lanes made later. */
    void applyShared(SiteAction action) {
        Long resumed = resumedAt.get(action.slot());
        if (resumed != null && action.takenMillis() <= resumed) {
            return; // taken before a resume here: an old copy still in Redis, or read before the resume reached it
        }
        SiteAction known = inForce.put(action.slot(), action);
        if (action.equals(known)) {
            return;
        }
        Lane lane = effects.lane(action.site(), action.source());
        if (lane != null && action.untilMillis() > s.clock().millis()) {
            enact(lane, action);
        }
    }

    /** Another pod resumed a site × source. */
    void liftShared(String siteKey, String source) {
        if (inForce.remove(siteKey + "|" + source) != null) {
            effects.resume(siteKey, source);
        }
    }

    /** A new lane starts under what is in force for it. */
    void applyTo(Lane lane) {
        SiteAction action = inForce.get(lane.site.key + "|" + lane.source);
        if (action != null) {
            if (action.untilMillis() > s.clock().millis()) {
                enact(lane, action);
            } else {
                inForce.remove(action.slot());
            }
        }
    }

    /** Forgets actions that are over. */
    void prune(long nowMillis) {
        inForce.values().removeIf(action -> action.untilMillis() <= nowMillis);
        // No rule lasts longer than 7 days, nor an operator's suspension longer than 30.
        resumedAt.values().removeIf(at -> nowMillis - at > 31L * 24 * 3600 * 1000);
    }
}
