package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.smtp.Sasl;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SASL pieces of io.hermod.smtp that AUTH relies on (tested here, beside their one user). */
class SaslTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plain_withAndWithoutAuthorizationIdentity() throws Exception {
        assertThat(Sasl.plain(bytes("\0alice\0secret"))).isEqualTo(new Sasl.Credentials("alice", "secret"));
        assertThat(Sasl.plain(bytes("alice\0alice\0pä ss"))).isEqualTo(new Sasl.Credentials("alice", "pä ss"));
    }

    @Test
    void plain_malformed_isRefused() {
        for (String bad : new String[] {"alice", "\0alice", "\0\0secret", "\0alice\0", "\0a\0b\0c", "bob\0alice\0pw"}) {
            assertThatThrownBy(() -> Sasl.plain(bytes(bad))).as(bad).isInstanceOf(Sasl.SaslException.class)
                    .satisfies(e -> assertThat(((Sasl.SaslException) e).reply().toString())
                            .isEqualTo("501 5.5.2 Error: malformed authentication data"));
        }
    }

    @Test
    void plain_notUtf8_isRefused() {
        assertThatThrownBy(() -> Sasl.plain(new byte[] {0, 'a', 0, (byte) 0xff})).isInstanceOf(Sasl.SaslException.class);
    }

    @Test
    void decode_equalsSignIsEmpty_andBadBase64IsRefused() throws Exception {
        assertThat(Sasl.decode("=")).isEmpty();
        assertThat(Sasl.decode("YWxpY2U=")).isEqualTo(bytes("alice"));
        assertThatThrownBy(() -> Sasl.decode("YWxp Y2U=")).isInstanceOf(Sasl.SaslException.class)
                .satisfies(e -> assertThat(((Sasl.SaslException) e).reply().toString())
                        .isEqualTo("501 5.5.2 Error: invalid base64 data"));
        assertThatThrownBy(() -> Sasl.decode("")).isInstanceOf(Sasl.SaslException.class);
    }

    @Test
    void loginPrompts_areBase64OfUsernameAndPassword() {
        assertThat(Sasl.LOGIN_USERNAME.wireText()).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThat(Sasl.LOGIN_PASSWORD.wireText()).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(Sasl.PLAIN_CHALLENGE.wireText()).isEqualTo("334 \r\n");
    }

    @Test
    void credentials_neverPrintThePassword() {
        assertThat(new Sasl.Credentials("alice", "secret").toString()).doesNotContain("secret");
    }
}
