package io.hermod.bounce;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The second part of a report, {@code message/delivery-status} (RFC 3464 2.1): the per-message
 * fields, then one group of per-recipient fields for each recipient, groups separated by an empty
 * line. Always 7-bit: a non-ASCII address goes in the {@code utf-8} type as RFC 6533 xtext, and a
 * diagnostic loses its control and non-ASCII characters.
 */
final class DeliveryStatusFields {

    /** RFC 3463 2: class "." subject "." detail. */
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    private DeliveryStatusFields() {
    }

    static String content(String reportingMta, String messageId, ZonedDateTime arrival, ZonedDateTime now,
                          List<FailedRecipient> recipients, ReportAction action) {
        StringBuilder out = new StringBuilder(256 + 256 * recipients.size());
        FieldText.field(out, "Reporting-MTA", "dns; " + reportingMta);
        FieldText.field(out, "X-Hermod-Queue-ID", messageId);
        FieldText.field(out, "Arrival-Date", DsnBuilder.DATE.format(arrival));
        for (FailedRecipient recipient : recipients) {
            out.append("\r\n");
            FieldText.field(out, "Final-Recipient", finalRecipient(recipient.address()));
            FieldText.field(out, "Action", action.fieldValue);
            String status = recipient.status().trim();
            FieldText.field(out, "Status", STATUS.matcher(status).matches() ? status : action.fallbackStatus);
            if (recipient.remoteMta() != null) {
                String remoteMta = FieldText.hostToken(recipient.remoteMta(), "");
                if (!remoteMta.isEmpty()) {
                    FieldText.field(out, "Remote-MTA", "dns; " + remoteMta);
                }
            }
            FieldText.field(out, "Diagnostic-Code", "smtp; " + FieldText.printableAscii(recipient.diagnostic()));
            // The report is built right after the attempt that settled the recipient, or at its expiry.
            FieldText.field(out, "Last-Attempt-Date", DsnBuilder.DATE.format(now));
        }
        return out.toString();
    }

    /** RFC 3464 2.3.2 with the {@code utf-8} address type of RFC 6533 3 for an address that needs it. */
    private static String finalRecipient(String address) {
        String clean = FieldText.withoutControls(address).trim();
        return FieldText.isAscii(clean) ? "rfc822; " + clean : "utf-8; " + FieldText.utf8AddrXtext(clean);
    }
}
