package io.hermod.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Destination;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.shaping.AutomationRule;
import io.hermod.shaping.ShapingStore;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reply-driven automation without sockets: which replies fire which rule, what each action does to
 * the lane, that Hermod's own failures never count, and how actions are shared with other pods and
 * reach lanes made later.
 */
class LaneAutomationTest {

    private static final long NOW = 1_000_000_000_000L;

    private final List<String> effects = new ArrayList<>();
    private final List<SiteAction> published = new ArrayList<>();
    private final List<String> withdrawn = new ArrayList<>();
    private final ShapingStore store = ShapingStore.of(ShapingStore.Base.of(20, 1000, 100, 1024), """
            providers:
              yahoo:
                match: [{domain_suffix: yahoo.test}]
                automation:
                  - {name: slow-down, match: '4\\.7\\.1 slow', trigger: immediate,
                     action: {set: {max_message_rate: 1/min, connection_limit: 1}}, duration: 10m}
                  - {name: bounce-all, match: '5\\.7\\.9 gone', trigger: immediate, action: bounce, duration: 1h}
            """);
    private final Site site = new Site(new Destination("route:127.0.0.1:25",
            List.of(new Destination.Candidate("127.0.0.1", "127.0.0.1", 25))));
    private final Lane lane = new Lane(site, "default");
    private Lane laterLane;
    private final LaneAutomation automation;

    LaneAutomationTest() {
        site.reshaped(store.current(), 0, "yahoo.test");
        lane.shaping = lane.resolve(store.current(), NOW);
        SiteAction.Sharing sharing = new SiteAction.Sharing() {
            @Override
            public void publish(SiteAction action) {
                published.add(action);
            }

            @Override
            public void withdraw(String s, String source) {
                withdrawn.add(s + "|" + source);
            }
        };
        SiteServices services = new SiteServices(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), store, null,
                null, null, null, null, null, null, null, null, null, SiteServices.ShapingObserver.NONE, null, null,
                sharing, null);
        automation = new LaneAutomation(services, new LaneAutomation.Effects() {
            @Override
            public void suspend(Lane l, long untilMillis, String why) {
                l.suspendedUntil = untilMillis;
                effects.add("suspend " + l.source + " " + (untilMillis - NOW) / 1000 + "s: " + why);
            }

            @Override
            public void reshape(Lane l) {
                l.shaping = l.resolve(store.current(), NOW);
                effects.add("reshape " + l.source);
            }

            @Override
            public void bounceWaiting(Lane l) {
                effects.add("bounce " + l.source);
            }

            @Override
            public Lane lane(String siteKey, String source) {
                return siteKey.equals(site.key) && source.equals("default") ? lane : null;
            }

            @Override
            public void resume(String siteKey, String source) {
                effects.add("resume " + source);
            }
        });
    }

    private static RecipientOutcome answered(int code, String status, String text) {
        return new RecipientOutcome(0, new Outcome.Answered(ClientStep.RCPT, Reply.of(code, status, text)));
    }

    @Test
    void theBuiltInYahooRule_suspendsTheLaneForAnHour_andIsShared() {
        automation.observeReplies(lane, List.of(answered(421, "4.7.0",
                "[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume")));
        assertThat(effects).containsExactly("suspend default 3600s: automation yahoo-tss04: 421 4.7.0 [TSS04] Messages"
                + " from 192.0.2.1 temporarily deferred due to unexpected volume");
        assertThat(published).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(SiteAction.Kind.SUSPEND);
            assertThat(a.slot()).isEqualTo(site.key + "|default");
            assertThat(a.untilMillis()).isEqualTo(NOW + 3_600_000);
        });
    }

    @Test
    void aSetRule_overridesTheLanesValues_untilItEnds() {
        automation.observeReplies(lane, List.of(answered(451, "4.7.1", "slow down please")));
        assertThat(effects).containsExactly("reshape default");
        assertThat(lane.shaping.connectionLimit()).isEqualTo(1);
        assertThat(lane.shaping.origin(io.hermod.shaping.ShapingKey.MAX_MESSAGE_RATE)).isEqualTo("automation slow-down");
        assertThat(lane.overrideUntil).isEqualTo(NOW + 600_000);
    }

    @Test
    void aBounceRule_bouncesWithThePermanentFormOfTheReplysStatus() {
        automation.observeReplies(lane, List.of(answered(550, "5.7.9", "gone for good")));
        assertThat(effects).containsExactly("bounce default");
        assertThat(lane.bounceWith).isInstanceOf(Outcome.Failed.class);
        assertThat(lane.bounceWith.status()).isEqualTo(new EnhancedStatus(5, 7, 9));
        assertThat(LaneAutomation.bounceStatus("421 4.7.0 [TSS04] deferred")).isEqualTo(new EnhancedStatus(5, 7, 0));
        assertThat(LaneAutomation.bounceStatus("421 try later")).isEqualTo(new EnhancedStatus(5, 7, 1));
    }

    @Test
    void hermodsOwnFailures_andAcceptedMail_neverTriggerARule() {
        automation.observeReplies(lane, List.of(
                new RecipientOutcome(0, Outcome.Failed.of(Failure.TIMEOUT, ClientStep.RCPT, "421 4.7.0 [TSS04] no answer")),
                answered(250, "2.1.5", "[TSS04] ok")));
        assertThat(effects).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void oneReplyForAWholeTransaction_countsOnce() {
        RecipientOutcome r = answered(421, "4.7.0", "[TSS04] deferred");
        automation.observeReplies(lane, List.of(r, new RecipientOutcome(1, r.outcome()), new RecipientOutcome(2,
                r.outcome())));
        assertThat(effects).hasSize(1);
    }

    @Test
    void anotherPodsAction_appliesNow_andToALaneMadeLater_andALiftResumes() {
        SiteAction suspendDefault = new SiteAction(site.key, "default", SiteAction.Kind.SUSPEND, NOW + 60_000, "by pod 2", null);
        automation.applyShared(suspendDefault);
        automation.applyShared(suspendDefault); // read again on the next poll: nothing more happens
        assertThat(effects).containsExactly("suspend default 60s: by pod 2");

        laterLane = new Lane(site, "ip-b");
        automation.applyShared(new SiteAction(site.key, "ip-b", SiteAction.Kind.SUSPEND, NOW + 30_000, "by pod 3", null));
        assertThat(effects).hasSize(1); // no lane here yet
        automation.applyTo(laterLane);
        assertThat(effects).last().isEqualTo("suspend ip-b 30s: by pod 3");

        automation.liftShared(site.key, "default");
        assertThat(effects).last().isEqualTo("resume default");
        automation.liftShared(site.key, "default"); // already lifted
        assertThat(effects.stream().filter(e -> e.startsWith("resume"))).hasSize(1);
    }

    @Test
    void anOperatorsResume_isWithdrawnForEveryPod() {
        SiteAction suspension = new SiteAction(site.key, "default", SiteAction.Kind.SUSPEND, NOW + 60_000, "operator", null, NOW - 10);
        automation.record(suspension);
        automation.forget(site.key, "default");
        assertThat(published).hasSize(1);
        assertThat(withdrawn).containsExactly(site.key + "|default");
        // The old copy read back from Redis before the withdrawal reached it does not suspend again.
        automation.applyShared(suspension);
        assertThat(effects).isEmpty();
        // A suspension taken after the resume does.
        automation.applyShared(new SiteAction(site.key, "default", SiteAction.Kind.SUSPEND, NOW + 60_000, "again", null, NOW + 1));
        assertThat(effects).containsExactly("suspend default 60s: again");
        automation.liftShared(site.key, "default");
        Lane fresh = new Lane(site, "default");
        automation.applyTo(fresh);
        assertThat(fresh.suspendedUntil).isZero();
    }

    @Test
    void whatIsOver_isForgotten() {
        automation.applyShared(new SiteAction(site.key, "ip-c", SiteAction.Kind.SUSPEND, NOW + 1000, "short", null));
        automation.prune(NOW + 2000);
        Lane later = new Lane(site, "ip-c");
        automation.applyTo(later);
        assertThat(later.suspendedUntil).isZero();
    }
}
