package io.hermod.bounce;

/** What the report says happened to its recipients: the {@code Action} field of RFC 3464 2.3.3. */
public enum ReportAction {

    FAILED("failed", "Undelivered Mail Returned to Sender", "5.0.0"),
    DELAYED("delayed", "Delayed Mail (still being retried)", "4.0.0");

    final String fieldValue;
    final String subject;
    /** Reported when a recipient's status is not an RFC 3463 code. */
    final String fallbackStatus;

    ReportAction(String fieldValue, String subject, String fallbackStatus) {
        this.fieldValue = fieldValue;
        this.subject = subject;
        this.fallbackStatus = fallbackStatus;
    }
}
