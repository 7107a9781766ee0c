package io.hermod.shaping;

/**
 * An egress source: the local address outbound connections are bound to and the name they give in
 * EHLO. Limits and automation apply per site × source.
 *
 * @param address a local IP address, or null to let the system choose
 * @param ehlo    the EHLO name, or null for {@code hostname}
 */
public record Source(String name, String address, String ehlo) {

    /** The source of a Hermod without a {@code sources} section: the system's address, {@code hostname}. */
    public static final String DEFAULT_NAME = "default";

    public static Source unbound() {
        return new Source(DEFAULT_NAME, null, null);
    }
}
