package io.hermod.feedback;

import java.util.List;

/**
 * What a message sent to an inbound domain turned out to be, as {@link ReportParser} read it.
 * Field values are as the report gave them, with the address-type prefix ({@code rfc822;}) and
 * surrounding white space removed; absent fields are empty strings.
 */
public sealed interface Report permits Report.Delivery, Report.Feedback, Report.Unrecognised {

    /**
     * An RFC 3464 delivery status notification.
     *
     * @param references the {@code X-Hermod-Ref} values found in the returned message or headers
     */
    record Delivery(String reportingMta, List<RecipientStatus> recipients, List<String> references)
            implements Report {
        public Delivery {
            recipients = List.copyOf(recipients);
            references = List.copyOf(references);
        }
    }

    /** One per-recipient block of a DSN. */
    record RecipientStatus(String finalRecipient, String originalRecipient, String action, String status,
                           String diagnosticCode, String remoteMta) {
    }

    /**
     * An RFC 5965 feedback report.
     *
     * @param feedbackType lower-cased ({@code abuse}, {@code fraud}, {@code not-spam}, ...)
     * @param references   the {@code X-Hermod-Ref} values of the included original message or headers
     */
    record Feedback(String feedbackType, String userAgent, String originalRcptTo, String originalMailFrom,
                    String sourceIp, List<String> references) implements Report {
        public Feedback {
            references = List.copyOf(references);
        }
    }

    /** Not a report Hermod reads; {@code reason} says why, for the Unparsed event. */
    record Unrecognised(String reason) implements Report {
    }
}
