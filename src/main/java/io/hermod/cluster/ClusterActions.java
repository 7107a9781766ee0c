package io.hermod.cluster;

import io.hermod.queue.SiteAction;
import io.hermod.smtp.EnhancedStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Suspensions and automation actions that every pod applies: each one is a field of one Redis
 * hash ({@code hermod:actions}, field {@code site|source}); every pod reads the hash every
 * {@link #POLL_MILLIS} and applies what is new, and lifts what was removed (a resume). So an action
 * taken by one pod holds on all within a second, and a pod that starts later learns of those in
 * force. Expired fields are removed by whichever pod sees them first.
 */
public final class ClusterActions implements SiteAction.Sharing {

    static final long POLL_MILLIS = 500;
    static final String KEY = "hermod:actions";
    private static final System.Logger LOG = System.getLogger(ClusterActions.class.getName());

    /** What the pod does with the actions it reads. */
    public interface Applier {
        void apply(SiteAction action);

        void lift(String site, String source);
    }

    private final RedisLink redis;
    private Applier applier;
    private final Set<String> seen = new HashSet<>();
    /** Writes Redis has not confirmed yet: slot to the JSON to set, or "" to remove. */
    private final ConcurrentHashMap<String, String> pending = new ConcurrentHashMap<>();

    public ClusterActions(Vertx vertx, RedisLink redis) {
        this.redis = redis;
        vertx.setPeriodic(POLL_MILLIS, id -> poll());
    }

    /** Where read actions go; set once the queue is up. */
    public void applyTo(Applier applier) {
        this.applier = applier;
    }

    @Override
    public void publish(SiteAction action) {
        JsonObject json = new JsonObject().put("site", action.site()).put("source", action.source())
                .put("kind", action.kind().keyword()).put("until", action.untilMillis()).put("why", action.why())
                .put("rule", action.rule()).put("taken", action.takenMillis())
                .put("status", action.bounceStatus() == null ? null : action.bounceStatus().toString());
        pending.put(action.slot(), json.encode());
        send(action.slot(), json.encode());
    }

    @Override
    public void withdraw(String site, String source) {
        pending.put(site + "|" + source, "");
        send(site + "|" + source, "");
    }

    /** Writes (or, for "", removes) a slot; kept in {@link #pending} until Redis has it, and sent again on the next poll. */
    private void send(String slot, String value) {
        redis.call(api -> value.isEmpty() ? api.hdel(List.of(KEY, slot)) : api.hset(List.of(KEY, slot, value)))
                .onSuccess(r -> pending.remove(slot, value))
                .onFailure(e -> LOG.log(System.Logger.Level.WARNING, "cluster: could not share the action on " + slot
                        + " (sent again when Redis answers): " + e.getMessage()));
    }

    private void poll() {
        Applier a = applier;
        if (a == null || !redis.up()) {
            return;
        }
        pending.forEach(this::send);
        redis.call(api -> api.hgetall(KEY)).onSuccess(all -> {
            long now = System.currentTimeMillis();
            Set<String> present = new HashSet<>();
            for (String field : all.getKeys()) {
                SiteAction action = parse(all.get(field));
                if (action == null || action.untilMillis() <= now) {
                    redis.call(api -> api.hdel(List.of(KEY, field)));
                    continue;
                }
                present.add(field);
                a.apply(action);
            }
            synchronized (seen) {
                for (String gone : seen) {
                    if (!present.contains(gone)) {
                        int bar = gone.lastIndexOf('|');
                        a.lift(gone.substring(0, bar), gone.substring(bar + 1));
                    }
                }
                seen.clear();
                seen.addAll(present);
            }
        });
    }

    private static SiteAction parse(Response value) {
        try {
            JsonObject j = new JsonObject(value.toString());
            SiteAction.Kind kind = SiteAction.Kind.of(j.getString("kind"));
            if (kind == null) {
                return null; // a later version's action: this pod cannot carry it out
            }
            return new SiteAction(j.getString("site"), j.getString("source"), kind, j.getLong("until"),
                    j.getString("why"), j.getString("rule"), j.getLong("taken", 0L),
                    j.getString("status") == null ? null : EnhancedStatus.of(j.getString("status")));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
