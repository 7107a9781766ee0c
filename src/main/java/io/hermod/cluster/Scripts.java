package io.hermod.cluster;

/**
 * The Lua scripts, run atomically in Redis with its clock ({@code TIME}), so that every pod
 * shares one notion of now. Times are in microseconds (throttles) or milliseconds (leases).
 */
final class Scripts {

    private Scripts() {
    }

    /**
     * GCRA over a batch. KEYS[1] the throttle's TAT; ARGV interval, tolerance and lookahead (µs)
     * and how many units are wanted. The first unit must be due now (TAT - tolerance <= now);
     * then as many as are due within the lookahead, up to the number wanted, are taken at once.
     * Returns {units, wait µs when none, offset µs}: unit j may go at now + max(0, offset + j × interval).
     */
    static final String GCRA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local lookahead = tonumber(ARGV[3])
            local want = tonumber(ARGV[4])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            local base = math.max(tat, now)
            if base - tolerance > now then
              return {0, base - tolerance - now, 0}
            end
            local k = math.floor((now + lookahead + tolerance - base) / interval) + 1
            if k > want then k = want end
            if k < 1 then k = 1 end
            local newtat = base + k * interval
            redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.floor((newtat - now + tolerance) / 1000) + 1000)
            return {k, 0, base - tolerance - now}
            """;

    /**
     * A connection lease. KEYS[1] the sorted set of leases (score: expiry ms); ARGV limit, lease
     * id, time to live (ms). Expired leases (a pod that died) are dropped first. Returns 1 or 0.
     */
    static final String LEASE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
              return 0
            end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
            return 1
            """;

    /**
     * Renews the leases this pod holds, and adds those Redis lost (they expired while it was away,
     * or were taken while it was down): KEYS the sets; ARGV ttl ms, then one lease id per key.
     */
    static final String RENEW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[1])
            local kept = 0
            for i, key in ipairs(KEYS) do
              kept = kept + redis.call('ZADD', key, now + ttl, ARGV[i + 1])
              redis.call('PEXPIRE', key, ttl * 2)
            end
            return kept
            """;

    /**
     * Membership: KEYS[1] the sorted set of pods (score: last heartbeat ms); ARGV pod id, time to
     * live (ms). Returns the number of live pods.
     */
    static final String MEMBER = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 10)
            return redis.call('ZCARD', KEYS[1])
            """;
}
