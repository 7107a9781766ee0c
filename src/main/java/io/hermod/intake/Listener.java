package io.hermod.intake;

import io.hermod.config.HostAndPort;
import io.hermod.config.SmtpConfig;
import io.hermod.config.SubmissionConfig;
import java.util.ArrayList;
import java.util.List;

/** The addresses of one listener role ({@code smtp.listen}, {@code submission.listen}, {@code submissions.listen}). */
public record Listener(ListenerRole role, List<HostAndPort> addresses) {

    public Listener {
        addresses = List.copyOf(addresses);
    }

    /** The relay listener first (it is always on), then the submission ports that are configured. */
    public static List<Listener> configured(SmtpConfig smtp, SubmissionConfig submission) {
        List<Listener> out = new ArrayList<>();
        out.add(new Listener(ListenerRole.RELAY, smtp.listen()));
        if (!submission.submissionListen().isEmpty()) {
            out.add(new Listener(ListenerRole.SUBMISSION, submission.submissionListen()));
        }
        if (!submission.submissionsListen().isEmpty()) {
            out.add(new Listener(ListenerRole.SUBMISSIONS, submission.submissionsListen()));
        }
        return List.copyOf(out);
    }
}
