package io.hermod.spool;

/**
 * What a batch injection says about whom a message is for: the sending tenant, the campaign and the
 * pool. Stored with the envelope so that every event of the message (reception, delivery, bounce)
 * carries them. Each is null when not given.
 */
public record MessageTags(String tenant, String campaign, String pool) {

    public static final MessageTags NONE = new MessageTags(null, null, null);

    public MessageTags {
        tenant = blankToNull(tenant);
        campaign = blankToNull(campaign);
        pool = blankToNull(pool);
    }

    public boolean isEmpty() {
        return tenant == null && campaign == null && pool == null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
