package io.hermod.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.smtp.Reply;
import io.hermod.smtp.ReplyParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    private static final String EHLO = "250-mx.example.net Hello\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n"
            + "250-STARTTLS\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n";

    @Test
    void ehloWithStartTls_offersIt_whereverTheReplyIsSplit() {
        byte[] bytes = EHLO.getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= bytes.length; split++) {
            List<Reply> replies = new ArrayList<>();
            ReplyParser parser = new ReplyParser(replies::add);
            parser.feed(bytes, 0, split);
            parser.feed(bytes, split, bytes.length - split);
            assertThat(replies).hasSize(1);
            Capabilities caps = Capabilities.of(replies.get(0));
            assertThat(caps).isEqualTo(new Capabilities(true, true, true, true, 35882577, true));
        }
    }

    @Test
    void startTls_isMatchedWithoutRegardToCase() {
        Reply ehlo = new Reply(250, null, List.of("mx.example.net", "starttls"));
        assertThat(Capabilities.of(ehlo).startTls()).isTrue();
    }

    @Test
    void startTlsInTheGreetingLine_orAbsent_isNotOffered() {
        // the first line of an EHLO reply is the server's name, never a keyword
        assertThat(Capabilities.of(new Reply(250, null, List.of("STARTTLS", "PIPELINING"))).startTls()).isFalse();
        assertThat(Capabilities.of(new Reply(250, null, List.of("mx.example.net", "PIPELINING"))).startTls()).isFalse();
        assertThat(Capabilities.NONE.startTls()).isFalse();
    }
}
