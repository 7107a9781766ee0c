package io.hermod.config;

/** The whole configuration, one record per section of conf/hermod.yaml. */
public record HermodConfig(String hostname, SmtpConfig smtp, HttpConfig http, SpoolConfig spool, QueueConfig queue,
    DeliveryConfig delivery, DnsConfig dns, LogConfig log, ShutdownConfig shutdown, TlsConfig tls, AuthConfig auth,
    SubmissionConfig submission, DkimConfig dkim, BounceConfig bounce,
    SuppressionConfig suppression, FeedbackConfig feedback, ShapingConfig shaping, ClusterConfig cluster,
    HandoffConfig handoff) {

    /**
     * Event loops: one per processor the JVM may use (a container's CPU limit). Nothing blocks on a
     * loop, so more loops than processors only add thread switches: on 2 processors, 2 loops did
     * the peer benchmark's work with 13 % less CPU than Vert.x's default of 4.
     */
    public static int eventLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
