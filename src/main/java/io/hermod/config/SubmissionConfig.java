package io.hermod.config;

import java.util.List;

/**
 * Submission listeners, port 587 with STARTTLS ({@code submission.listen}, RFC 6409) and 465 with
 * implicit TLS ({@code submissions.listen}, RFC 8314); an empty list means off. Either one needs
 * {@code tls.*} and {@code auth.users}.
 */
public record SubmissionConfig(List<HostAndPort> submissionListen, List<HostAndPort> submissionsListen) {

  public SubmissionConfig {
    submissionListen = List.copyOf(submissionListen);
    submissionsListen = List.copyOf(submissionsListen);
  }
}
