package io.hermod.bounce;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.smtp.EnhancedStatus;
import java.util.regex.Pattern;

/**
 * One classification rule: every condition that is set must hold for {@link #category} to apply.
 * Unset conditions are null (or -1 for numbers). A reply's code matches {@code [codeMin, codeMax]};
 * the enhanced status matches class, subject and detail where each is not -1 (a wildcard); the
 * text pattern is searched in the reply's lines or the local failure's detail; {@code failure}
 * holds only for a local failure of that kind and {@code step} for an outcome at that step.
 *
 * @param source where the rule came from ({@code bounce.rules line 3}), for people
 */
public record BounceRule(BounceCategory category, int codeMin, int codeMax, int statusClass, int statusSubject,
                         int statusDetail, Failure failure, ClientStep step, Pattern text, String source) {

    /** Whether every condition of this rule holds for {@code outcome}. */
    boolean matches(Outcome outcome, String outcomeText) {
        if (codeMin >= 0) {
            int code = outcome.code();
            if (code < codeMin || code > codeMax) {
                return false;
            }
        }
        if (statusClass >= 0) {
            EnhancedStatus s = outcome.status();
            if (s == null || s.statusClass() != statusClass
                    || statusSubject >= 0 && s.subject() != statusSubject
                    || statusDetail >= 0 && s.detail() != statusDetail) {
                return false;
            }
        }
        if (failure != null && !(outcome instanceof Outcome.Failed f && f.failure() == failure)) {
            return false;
        }
        if (step != null && stepOf(outcome) != step) {
            return false;
        }
        return text == null || text.matcher(outcomeText).find();
    }

    private static ClientStep stepOf(Outcome outcome) {
        if (outcome instanceof Outcome.Answered a) {
            return a.step();
        }
        return outcome instanceof Outcome.Failed f ? f.step() : null;
    }
}
