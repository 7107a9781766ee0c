package io.hermod.config;

import java.util.List;

/**
 * Submission listeners, port 587 ({@code submission.listen}) and 465 ({@code submissions.listen});
 * empty lists mean off, and the loader keeps them off until submission is built.
 */
public record SubmissionConfig(List<HostAndPort> submissionListen, List<HostAndPort> submissionsListen) {

  public SubmissionConfig {
    submissionListen = List.copyOf(submissionListen);
    submissionsListen = List.copyOf(submissionsListen);
  }
}
