package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandTest {

    @Test
    void verbAndArgument_areSplitAtTheFirstSpace_argumentKeepsItsCase() {
        assertThat(Command.parse("mail FROM:<Alice@Example.com> SIZE=10"))
                .isEqualTo(new Command(Verb.MAIL, "FROM:<Alice@Example.com> SIZE=10"));
    }

    @Test
    void verbAlone_hasAnEmptyArgument() {
        Command c = Command.parse("DATA");
        assertThat(c).isEqualTo(new Command(Verb.DATA, ""));
        assertThat(c.hasArgument()).isFalse();
    }

    @Test
    void surroundingSpaces_areNotAnArgument() {
        assertThat(Command.parse("RSET   ").hasArgument()).isFalse();
        assertThat(Command.parse("HELO   client.example  ").argument()).isEqualTo("client.example");
    }

    @ParameterizedTest
    @CsvSource({"helo, HELO", "Ehlo, EHLO", "STARTTLS, STARTTLS", "turn, TURN", "xyzzy, UNKNOWN", "abc, UNKNOWN",
            "STARTTLSX, UNKNOWN", "'', UNKNOWN", "values, UNKNOWN"})
    void verb_isRecognisedCaseInsensitively(String word, Verb verb) {
        assertThat(Verb.of(word)).isEqualTo(verb);
    }
}
