package io.hermod.feedback;

import io.hermod.bounce.BounceCategory;
import io.hermod.bounce.Classifier;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.delivery.Outcome;
import io.hermod.eventlog.Event;
import io.hermod.eventlog.EventType;
import io.hermod.feedback.References.Read;
import io.hermod.feedback.References.Reference;
import io.hermod.feedback.References.ReturnToken;
import io.hermod.intake.InboundMail;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.smtp.Reply;
import io.hermod.spool.MessageId;
import io.hermod.spool.Suppression;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed report into events and suppression entries: matches it to the message it is
 * about through the references Hermod handed out (the VERP return path it was sent to, the
 * {@code X-Hermod-Ref} of the returned headers), classifies each failed recipient with the bounce
 * {@link Classifier}, and asks the {@link SuppressionPolicy} what to suppress. A report with no
 * reference of ours, or one whose reference does not verify (a forged bounce), matches nothing: it
 * becomes an Unparsed event and changes nothing else. A recipient is suppressed only when the
 * reference vouches for it (it names the recipient, or its tag matches): an address a report names
 * for a message sent to several, with no tag, is logged but suppresses nothing, since any of those
 * recipients holds a valid reference and could name anyone. Pure: no I/O.
 */
final class ReportMatcher {

    /** Headers kept in an Unparsed event's {@code detail}. */
    static final int MAX_HEADERS = 8 * 1024;
    /** The reason of a suppression entry added by a feedback report. */
    static final String COMPLAINT = "complaint";
    /** Feedback types (RFC 5965, RFC 6650) that are no complaint about the mail itself. */
    private static final Set<String> NOT_COMPLAINTS = Set.of("not-spam", "auth-failure");
    /** "smtp; 550 5.1.1 text": the reply code and the rest of a Diagnostic-Code. */
    private static final Pattern SMTP_DIAGNOSTIC = Pattern.compile("(?i)^\\s*smtp\\s*;\\s*([245]\\d\\d)[ -]?(.*)$",
            Pattern.DOTALL);
    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

    private final References references;
    private final Classifier classifier;
    private final SuppressionPolicy suppression;

    /** @param references null when {@code feedback.secret} is unset: nothing can be matched */
    ReportMatcher(References references, Classifier classifier, SuppressionPolicy suppression) {
        this.references = references;
        this.classifier = classifier;
        this.suppression = suppression;
    }

    Matched match(InboundMail.Message message, Report report, long now) {
        if (report instanceof Report.Unrecognised u) {
            return unparsed(message, u.reason(), now);
        }
        if (references == null) {
            return unparsed(message, "no feedback.secret: reports cannot be matched", now);
        }
        Origin origin = origin(message, report instanceof Report.Delivery d ? d.references()
                : ((Report.Feedback) report).references());
        if (origin.problem != null) {
            return unparsed(message, origin.problem, now);
        }
        return report instanceof Report.Delivery d ? delivery(message, d, origin, now)
                : feedback(message, (Report.Feedback) report, origin, now);
    }

    /**
     * The message a report is about. From the return path when the report was sent to one, else
     * from the first X-Hermod-Ref that verifies; the X-Hermod-Ref of the same message also gives the
     * recipient (when the message had one) and the sender's domain.
     */
    private record Origin(MessageId id, Optional<Integer> tag, Optional<String> recipient, String senderDomain,
                          String problem) {
        static Origin problem(String why) {
            return new Origin(null, Optional.empty(), Optional.empty(), "", why);
        }

        /** Whether the reference names the recipient (whole, or by a tag a matched address has). */
        boolean vouchesFor() {
            return recipient.isPresent() || tag.isPresent();
        }
    }

    private Origin origin(InboundMail.Message message, List<String> headerValues) {
        ReturnToken token = null;
        for (String rcpt : message.recipients()) {
            Read<ReturnToken> read = references.readLocalPart(localPart(rcpt));
            if (read instanceof Read.Forged<ReturnToken> forged) {
                return Origin.problem("forged: " + forged.why());
            }
            if (read instanceof Read.Verified<ReturnToken> verified) {
                token = verified.value();
                break;
            }
        }
        Reference ref = null;
        String forged = null;
        for (String value : headerValues) {
            Read<Reference> read = references.readHeader(value);
            if (read instanceof Read.Verified<Reference> v && (token == null || v.value().id().equals(token.id()))) {
                ref = v.value();
                break;
            }
            if (read instanceof Read.Forged<Reference> f && forged == null) {
                forged = f.why();
            }
        }
        if (token != null) {
            return new Origin(token.id(), token.recipientTag(), ref == null ? Optional.empty() : ref.recipient(),
                    ref == null ? "" : ref.senderDomain(), null);
        }
        if (ref != null) {
            return new Origin(ref.id(), Optional.empty(), ref.recipient(), ref.senderDomain(), null);
        }
        return Origin.problem(forged != null ? "forged: " + forged
                : "no Hermod reference (return path or " + References.HEADER + ")");
    }

    private Matched delivery(InboundMail.Message message, Report.Delivery report, Origin origin, long now) {
        List<Event> events = new ArrayList<>();
        List<Suppression> added = new ArrayList<>();
        for (Report.RecipientStatus status : report.recipients()) {
            String recipient = recipientOf(status, origin);
            if (recipient == null) {
                continue;
            }
            Reply reply = reply(status);
            BounceCategory category = reply == null || reply.isPositive() ? null
                    : classifier.classify(new Outcome.Answered(null, reply));
            String host = status.remoteMta().isEmpty() ? report.reportingMta() : status.remoteMta();
            events.add(new Event(EventType.OOB, now, origin.id.toString(), null, recipient, emptyToNull(host), null,
                    reply == null ? 0 : reply.code(), reply == null || reply.status() == null ? null
                    : reply.status().toString(), emptyToNull(status.diagnosticCode()), 0, 0,
                    emptyToNull(status.action()), category == null ? null : category.label()));
            if ("failed".equals(status.action()) && reply != null && reply.isPermanent() && origin.vouchesFor()) {
                suppression.afterBounce("@" + origin.senderDomain, recipient, category, now).ifPresent(added::add);
            }
        }
        if (events.isEmpty()) {
            return unparsed(message, "bounce for message " + origin.id + " names none of its recipients", now);
        }
        return new Matched("oob", events, added);
    }

    /**
     * The recipient a DSN block is about: the one the reference names (the message had only that
     * one, whatever address the report gives after forwarding), else the block's own address when
     * its tag matches the return path's, or when the return path named no recipient.
     */
    private String recipientOf(Report.RecipientStatus status, Origin origin) {
        if (origin.recipient.isPresent()) {
            return origin.recipient.get();
        }
        for (String address : List.of(status.finalRecipient(), status.originalRecipient())) {
            if (address.isEmpty()) {
                continue;
            }
            if (origin.tag.isEmpty() || origin.tag.get() == references.recipientTag(address)) {
                return address;
            }
        }
        return null;
    }

    private Matched feedback(InboundMail.Message message, Report.Feedback report, Origin origin, long now) {
        String recipient = origin.recipient.orElse(null);
        if (recipient == null && !report.originalRcptTo().isEmpty()
                && (origin.tag.isEmpty() || origin.tag.get() == references.recipientTag(report.originalRcptTo()))) {
            recipient = report.originalRcptTo();
        }
        if (recipient == null) {
            return unparsed(message, "feedback report for message " + origin.id + " names no recipient", now);
        }
        Event event = new Event(EventType.Feedback, now, origin.id.toString(), emptyToNull(report.originalMailFrom()),
                recipient, emptyToNull(report.sourceIp()), null, 0, null,
                report.userAgent().isEmpty() ? null : "reported by " + report.userAgent(), 0, 0,
                report.feedbackType(), null);
        List<Suppression> added = new ArrayList<>();
        if (!NOT_COMPLAINTS.contains(report.feedbackType()) && origin.vouchesFor()) {
            suppression.entry("@" + origin.senderDomain, recipient, COMPLAINT, now).ifPresent(added::add);
        }
        return new Matched("feedback", List.of(event), added);
    }

    static Matched unparsed(InboundMail.Message message, String reason, long now) {
        String text = reason + (message.truncated() ? " (message over inbound.max_size, read in part)" : "");
        Event event = new Event(EventType.Unparsed, now, null, message.sender(), String.join(",", message.recipients()),
                null, message.clientAddress(), 0, null, text, 0, 0,
                ReportParser.headerSection(message.bytes(), MAX_HEADERS));
        return new Matched("unparsed", List.of(event), List.of());
    }

    /**
     * The reply a DSN block reports: from an {@code smtp;} Diagnostic-Code when it has a code, else
     * 550/450/250 after the Status class; the enhanced status from Status (or the diagnostic's own).
     * Null when the block gives neither.
     */
    static Reply reply(Report.RecipientStatus status) {
        EnhancedStatus enhanced = enhanced(status.status());
        Matcher diagnostic = SMTP_DIAGNOSTIC.matcher(status.diagnosticCode());
        if (diagnostic.matches()) {
            int code = Integer.parseInt(diagnostic.group(1));
            String text = diagnostic.group(2).strip();
            if (enhanced == null || enhanced.statusClass() != code / 100) {
                enhanced = EnhancedStatus.leading(text, code / 100); // Status disagrees with the code: trust the reply
            }
            return new Reply(code, enhanced, List.of(text.isEmpty() ? status.diagnosticCode() : text));
        }
        if (enhanced == null) {
            return null;
        }
        int code = enhanced.statusClass() * 100 + 50;
        String text = status.diagnosticCode().isEmpty() ? status.action() : status.diagnosticCode();
        return new Reply(code, enhanced, List.of(text.isEmpty() ? enhanced.toString() : text));
    }

    private static EnhancedStatus enhanced(String text) {
        Matcher m = STATUS.matcher(text);
        return m.find() ? new EnhancedStatus(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))) : null;
    }

    private static String localPart(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
