package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The argument of MAIL FROM: and RCPT TO: (RFC 5321 4.1.2, 4.5.3.1; RFC 6531). */
class PathArgumentTest {

    private static PathArgument from(String text) throws PathSyntaxException {
        return PathArgument.parseReversePath(text);
    }

    private static PathArgument to(String text) throws PathSyntaxException {
        return PathArgument.parseForwardPath(text);
    }

    private static Reply senderRejection(String text) {
        PathSyntaxException e = catchThrowableOfType(PathSyntaxException.class, () -> from(text));
        assertThat(e).as("%s should be rejected", text).isNotNull();
        return e.reply();
    }

    private static Reply recipientRejection(String text) {
        PathSyntaxException e = catchThrowableOfType(PathSyntaxException.class, () -> to(text));
        assertThat(e).as("%s should be rejected", text).isNotNull();
        return e.reply();
    }

    @Test
    void plainMailbox_isSplitIntoLocalPartAndDomain() throws Exception {
        PathArgument p = from("FROM:<Alice@Example.COM>");
        assertThat(p.mailbox()).isEqualTo(new Mailbox("Alice", "Example.COM"));
        assertThat(p.mailbox().domainKey()).isEqualTo("example.com");
        assertThat(p.parameters()).isEmpty();
        assertThat(p.isNullPath()).isFalse();
    }

    @Test
    void keyword_isCaseInsensitive() throws Exception {
        assertThat(from("from:<a@example.com>").mailbox()).hasToString("a@example.com");
        assertThat(to("tO:<b@example.org>").mailbox()).hasToString("b@example.org");
    }

    @Test
    void spaceAfterTheColon_isTolerated() throws Exception {
        assertThat(from("FROM: <a@example.com>").mailbox()).hasToString("a@example.com");
        assertThat(to("TO:  <b@example.org>").mailbox()).hasToString("b@example.org");
    }

    @Test
    void nullReversePath_isAccepted() throws Exception {
        PathArgument p = from("FROM:<> SIZE=10");
        assertThat(p.isNullPath()).isTrue();
        assertThat(p.parameter("SIZE")).isEqualTo("10");
    }

    @Test
    void nullForwardPath_is501_5_1_3() {
        assertThat(recipientRejection("TO:<>")).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROM:", "FROM:a@example.com", "FROM:<a@example.com", "FROM:<a>", "FROM:<@example.com>",
            "FROM:<a@>", "FROM:<a b@example.com>", "FROM:<a@exa mple.com>", "FROM:<a..b@example.com>",
            "FROM:<.a@example.com>", "FROM:<a.@example.com>", "FROM:<a@-example.com>", "FROM:<a@example..com>"})
    void malformedSender_is501_5_1_7(String text) {
        assertThat(senderRejection(text)).isEqualTo(Replies.BAD_SENDER_SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TO:", "TO:b@example.org", "TO:<b@example.org", "TO:<b@@example.org>"})
    void malformedRecipient_is501_5_1_3(String text) {
        assertThat(recipientRejection(text)).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "FRO:<a@example.com>", "TO:<a@example.com>", "FROM :<a@example.com>",
            "FROM:<a@example.com>junk", "FROM:<a@example.com>SIZE=1"})
    void missingKeywordOrJunkAfterThePath_is501_5_5_4(String text) {
        assertThat(senderRejection(text)).isEqualTo(Replies.SYNTAX_ARGUMENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"john doe\"@example.com", "\"a>b\"@example.com", "\"a\\\"b\"@example.com",
            "\"a@b\"@example.com", "\"\"@example.com", "\"ünï\"@example.com"})
    void quotedLocalPart_isAcceptedAndKeptAsSent(String address) throws Exception {
        Mailbox m = to("TO:<" + address + ">").mailbox();
        assertThat(m).hasToString(address);
        assertThat(m.domain()).isEqualTo("example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"unterminated@example.com", "\"a\"b\"@example.com", "\"a\\\"@example.com",
            "x\"a\"@example.com"})
    void malformedQuotedLocalPart_isRejected(String address) {
        assertThat(recipientRejection("TO:<" + address + ">")).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.1]", "[IPv6:::1]", "[IPv6:2001:db8::1]", "[ipv6:2001:db8::1]",
            "[IPv6:::ffff:192.0.2.1]", "[x-tag:opaque]"})
    void addressLiteralDomain_isAccepted(String domain) throws Exception {
        assertThat(to("TO:<postmaster@" + domain + ">").mailbox().domain()).isEqualTo(domain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.256]", "[192.0.2]", "[IPv6:zz::1]", "[IPv6:1:2:3]", "[]", "[192.0.2.1",
            "[IPv6:2001:db8::1%eth0]", "[-tag:x]"})
    void malformedAddressLiteral_isRejected(String domain) {
        assertThat(recipientRejection("TO:<postmaster@" + domain + ">")).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void localPartOf64Octets_isAccepted_65IsNot() throws Exception {
        assertThat(to("TO:<" + "a".repeat(64) + "@example.org>").mailbox().localPart()).hasSize(64);
        assertThat(recipientRejection("TO:<" + "a".repeat(65) + "@example.org>"))
                .isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void localPartLimit_countsUtf8Octets() throws Exception {
        assertThat(to("TO:<" + "ü".repeat(32) + "@example.org>").mailbox().localPart()).hasSize(32);
        assertThat(recipientRejection("TO:<" + "ü".repeat(33) + "@example.org>"))
                .isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void pathOf256Octets_isAccepted_257IsNot() throws Exception {
        String local = "a".repeat(64);
        String domain189 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        String domain190 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62);
        assertThat(("<" + local + "@" + domain189 + ">").length()).isEqualTo(256);

        assertThat(to("TO:<" + local + "@" + domain189 + ">").mailbox().domain()).isEqualTo(domain189);
        assertThat(recipientRejection("TO:<" + local + "@" + domain190 + ">")).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void pathLimit_countsUtf8Octets() {
        // 200 characters, but 2 octets each in the domain: well over 256 octets.
        String domain = "ä".repeat(60) + "." + "ö".repeat(60) + "." + "ü".repeat(60);
        assertThat(("<a@" + domain + ">").length()).isLessThan(256);
        assertThat(recipientRejection("TO:<a@" + domain + ">")).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void nonAsciiAddress_parses_theSessionDecidesWhetherItIsAllowed() throws Exception {
        Mailbox m = to("TO:<δοκιμή@παράδειγμα.δοκιμή>").mailbox();
        assertThat(m.isAscii()).isFalse();
        assertThat(new Mailbox("a", "example.org").isAscii()).isTrue();
    }

    @Test
    void sourceRoute_isAcceptedAndDropped() throws Exception {
        assertThat(to("TO:<@a.example,@b.example:user@c.example>").mailbox()).isEqualTo(new Mailbox("user", "c.example"));
        assertThat(from("FROM:<@a.example:user@c.example>").mailbox()).hasToString("user@c.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<@a.example user@c.example>", "<@:user@c.example>", "<@a.example,b.example:user@c.example>",
            "<@a.example:>", "<@a..example:user@c.example>"})
    void malformedSourceRoute_isRejected(String path) {
        assertThat(recipientRejection("TO:" + path)).isEqualTo(Replies.BAD_RECIPIENT_SYNTAX);
    }

    @Test
    void parameters_haveUpperCaseKeywordsAndKeepTheirValues() throws Exception {
        PathArgument p = from("FROM:<a@example.com> size=1000  Body=8bitMIME SMTPUTF8");
        assertThat(p.parameters()).containsExactly(Map.entry("SIZE", "1000"), Map.entry("BODY", "8bitMIME"),
                Map.entry("SMTPUTF8", ""));
        assertThat(p.parameter("BODY")).isEqualTo("8bitMIME");
        assertThat(p.parameter("RET")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIZE=1 SIZE=2", "size=1 SIZE=1", "SIZE=", "-X=1", "X_Y=1", "=1", "SIZE==1", "A=b=c"})
    void duplicateOrMalformedParameter_is501_5_5_4(String parameters) {
        assertThat(senderRejection("FROM:<a@example.com> " + parameters)).isEqualTo(Replies.SYNTAX_ARGUMENTS);
    }
}
