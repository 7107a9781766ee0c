package io.hermod.config;

/** The whole configuration, one record per section of conf/hermod.yaml. */
public record HermodConfig(String hostname, SmtpConfig smtp, HttpConfig http, SpoolConfig spool, QueueConfig queue,
    DeliveryConfig delivery, DnsConfig dns, LogConfig log, ShutdownConfig shutdown, TlsConfig tls, AuthConfig auth,
    SubmissionConfig submission, DkimConfig dkim, BounceConfig bounce,
    SuppressionConfig suppression, FeedbackConfig feedback, ShapingConfig shaping, ClusterConfig cluster,
    HandoffConfig handoff) {
}
