package io.hermod.bounce;

import java.util.List;

/** The first part of a report: what happened, in words, for the person who sent the message. */
final class Explanation {

    private static final String INDENT = "    ";
    /** Narrower than a header line, so quoted-printable seldom needs a soft line break. */
    private static final int WIDTH = 72;

    private Explanation() {
    }

    /** The text, in lines ending in CRLF, wrapped at 72 columns; not ASCII when an address or a diagnostic is not. */
    static String text(String reportingMta, String messageId, List<FailedRecipient> recipients, ReportAction action) {
        StringBuilder out = new StringBuilder(512);
        out.append("This is the mail delivery system at ").append(reportingMta).append(".\r\n\r\n");
        String summary = switch (action) {
            case FAILED -> "Your message " + messageId + " could not be delivered to the recipients below."
                    + " The delivery report and the headers of your message are attached.";
            case DELAYED -> "Your message " + messageId + " has not yet been delivered to the recipients below."
                    + " Delivery is still being retried; you need not send it again."
                    + " The delivery report and the headers of your message are attached.";
        };
        FieldText.wrap(out, "", summary, "", WIDTH);
        for (FailedRecipient recipient : recipients) {
            out.append("\r\n");
            FieldText.wrap(out, "", "<" + FieldText.withoutControls(recipient.address()) + ">", "", WIDTH);
            String diagnostic = FieldText.withoutControls(recipient.diagnostic()).trim();
            if (diagnostic.isEmpty()) {
                diagnostic = "no further detail (status " + FieldText.printableAscii(recipient.status()) + ")";
            }
            if (recipient.remoteMta() != null) {
                diagnostic = FieldText.hostToken(recipient.remoteMta(), "the remote server") + " said: " + diagnostic;
            }
            FieldText.wrap(out, INDENT, diagnostic, INDENT, WIDTH);
        }
        return out.toString();
    }
}
