package io.hermod.queue;

import io.hermod.shaping.SiteShaping;
import io.vertx.core.Future;
import java.util.List;

/**
 * What an operator can see and do about sites (the HTTP API's {@code /api/v1/sites} and
 * {@code /api/v1/shaping}). Answered by the shards that own the sites; callable from any thread.
 */
public interface SiteAdmin {

    /** Every site with mail, connections or shaping state, across the shards. */
    Future<List<SiteView>> sites();

    /**
     * Suspends site {@code site} (its key or its name, see {@link SiteView}, or one of its domains,
     * whose next hop is then looked up) from {@code source}, or from every source when null, until
     * {@code untilMillis}. Completes with the site's key, or null when there is no such site.
     */
    Future<String> suspendSite(String site, String source, long untilMillis, String why);

    /** Lifts the suspensions, automation overrides and bounces of a site; null when no such site. */
    Future<String> resumeSite(String site, String source);

    /**
     * The shaping that mail to {@code domain} from {@code source} gets: its next hop is looked up
     * (MX hosts decide the provider). Fails when the domain has no next hop.
     */
    Future<Effective> shapingFor(String domain, String source);

    /** Whether the shaping in force has an egress source of that name ({@code default} always exists). */
    boolean knowsSource(String name);

    /** Whether the shaping in force has an egress pool of that name ({@code default} always exists). */
    boolean knowsPool(String name);

    /** The answer of {@link #shapingFor}. */
    record Effective(String domain, String source, String siteKey, String provider, List<String> mxHosts,
                     SiteShaping shaping) {
    }
}
