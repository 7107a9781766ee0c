package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.smtp.Mailbox;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/** The auth.users format, the password check, and the senders a user may use. */
class UserFileTest {

    /** Cost 4, the minimum, so that the tests stay fast. */
    private static final String ALICE_HASH = BCrypt.hashpw("secret", BCrypt.gensalt(4));

    private static UserFile parse(String... lines) throws UserFile.InvalidUserFile {
        return UserFile.parse(List.of(lines), "users");
    }

    @Test
    void usersWithAndWithoutSenders_commentsAndBlankLines() throws Exception {
        UserFile users = parse("# mail users", "", "alice:" + ALICE_HASH + ":example.com, bob@example.org",
                "  carol:" + ALICE_HASH + "  ");

        assertThat(users.size()).isEqualTo(2);
        assertThat(users.check("alice", "secret")).hasValueSatisfying(u -> {
            assertThat(u.name()).isEqualTo("alice");
            assertThat(u.senders()).containsExactly("example.com", "bob@example.org");
        });
        assertThat(users.check("carol", "secret")).hasValueSatisfying(u -> assertThat(u.senders()).isEmpty());
    }

    @Test
    void wrongPasswordOrUnknownUser_isEmpty() throws Exception {
        UserFile users = parse("alice:" + ALICE_HASH);

        assertThat(users.check("alice", "Secret")).isEmpty();
        assertThat(users.check("Alice", "secret")).isEmpty();
        assertThat(users.check("mallory", "secret")).isEmpty();
    }

    @Test
    void hashesOfPhpAndOpenBsd_2yAnd2b_areChecked() throws Exception {
        String rest = ALICE_HASH.substring(4);
        UserFile users = parse("y:$2y$" + rest, "b:$2b$" + rest);

        assertThat(users.check("y", "secret")).isPresent();
        assertThat(users.check("b", "secret")).isPresent();
        assertThat(users.check("y", "wrong")).isEmpty();
    }

    @Test
    void badLines_nameTheLineAndNeverTheHash() {
        assertThatThrownBy(() -> parse("alice:" + ALICE_HASH, "bob"))
                .hasMessage("users line 2: expected user:bcrypt-hash[:senders]");
        assertThatThrownBy(() -> parse("bob:plaintext"))
                .hasMessage("users line 1: the password of bob is not a bcrypt hash (make one with hermod passwd)");
        assertThatThrownBy(() -> parse("bob:" + ALICE_HASH + ":not a domain"))
                .hasMessage("users line 1: not an address, a domain or *: \"not a domain\"");
        assertThatThrownBy(() -> parse("bob:" + ALICE_HASH, "bob:" + ALICE_HASH))
                .hasMessage("users line 2: user bob is listed twice");
        assertThatThrownBy(() -> parse("bob:" + ALICE_HASH + ":a.com:extra"))
                .hasMessage("users line 1: expected user:bcrypt-hash[:senders]");
        assertThatThrownBy(() -> parse(":" + ALICE_HASH))
                .hasMessage("users line 1: a user name is 1 to 255 characters without spaces or colons");
    }

    @Test
    void line_makesAnEntryThatChecks() throws Exception {
        String line = UserFile.line("dave", "pass word", List.of("example.net", "*"));

        assertThat(line).matches("dave:\\$2a\\$12\\$[./A-Za-z0-9]{53}:example.net,\\*");
        assertThat(parse(line).check("dave", "pass word")).isPresent();
    }

    @Test
    void line_refusesBadNamesAndSenders() {
        assertThatThrownBy(() -> UserFile.line("da ve", "pw", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name");
        assertThatThrownBy(() -> UserFile.line("dave", "pw", List.of("exa mple.net")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exa mple.net");
    }

    @Test
    void senders_matchAddressOrExactDomain_ignoringCase() {
        AuthenticatedUser alice = new AuthenticatedUser("alice", List.of("Example.com", "bob@example.org"));

        assertThat(alice.maySend(Mailbox.parse("x@EXAMPLE.com"))).isTrue();
        assertThat(alice.maySend(Mailbox.parse("Bob@Example.org"))).isTrue();
        assertThat(alice.maySend(Mailbox.parse("carol@example.org"))).isFalse();
        assertThat(alice.maySend(Mailbox.parse("x@mail.example.com"))).isFalse();
        assertThat(alice.maySend(null)).isTrue();
        assertThat(new AuthenticatedUser("n", List.of()).maySend(Mailbox.parse("x@example.com"))).isFalse();
        assertThat(new AuthenticatedUser("any", List.of("*")).maySend(Mailbox.parse("x@y.example"))).isTrue();
    }
}
