package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTest {

    @Test
    void singleLine_isCodeStatusText() {
        assertThat(Reply.of(250, "2.1.0", "Ok").wireText()).isEqualTo("250 2.1.0 Ok\r\n");
    }

    @Test
    void multiLine_usesHyphensUntilTheLastLine() {
        Reply r = new Reply(250, EnhancedStatus.of("2.0.0"), List.of("one", "two", "three"));
        assertThat(r.wireText()).isEqualTo("250-2.0.0 one\r\n250-2.0.0 two\r\n250 2.0.0 three\r\n");
    }

    @Test
    void plain_hasNoEnhancedStatus() {
        assertThat(Reply.plain(220, "mx ESMTP").wireText()).isEqualTo("220 mx ESMTP\r\n");
    }

    @Test
    void withSuffix_appendsToTheLastLineOnly() {
        Reply r = new Reply(250, EnhancedStatus.of("2.0.0"), List.of("a", "Ok")).withSuffix(": queued as X");
        assertThat(r.lines()).containsExactly("a", "Ok: queued as X");
    }

    @Test
    void codeOutOfRangeOrNoLines_isRejected() {
        assertThatThrownBy(() -> Reply.plain(199, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Reply.plain(600, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reply(250, null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnhancedStatus.of("3.0.0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnhancedStatus.of("2.0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classification_followsTheFirstDigit() {
        assertThat(Replies.OK.isPositive()).isTrue();
        assertThat(Replies.TOO_MANY_RECIPIENTS.isTransient()).isTrue();
        assertThat(Replies.RELAY_DENIED.isPermanent()).isTrue();
    }

    @Test
    void everyStandardReply_hasAnEnhancedStatusOfTheSameClass() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Replies.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != Reply.class) {
                continue;
            }
            Reply r = (Reply) f.get(null);
            assertThat(r.status()).as(f.getName()).isNotNull();
            int expectedClass = r.code() / 100 == 3 ? 2 : r.code() / 100;
            assertThat(r.status().statusClass()).as(f.getName()).isEqualTo(expectedClass);
            assertThat(r.wireText()).as(f.getName()).matches("\\d{3} \\d\\.\\d{1,3}\\.\\d{1,3} \\S[^\\r\\n]*\\r\\n");
            checked++;
        }
        assertThat(checked).isGreaterThan(30);
    }
}
