package io.hermod.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.b", "first.last+tag", "!#$%&'*+-/=?^_`{|}~", "\"quoted string\"", "\"\\\\\"",
            "jörg"})
    void validLocalPart(String s) {
        assertThat(AddressSyntax.isLocalPart(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".a", "a.", "a..b", "a b", "a(b)", "a,b", "\"", "\"a", "\"a\"b\"", "\"tab\there\""})
    void invalidLocalPart(String s) {
        assertThat(AddressSyntax.isLocalPart(s)).isFalse();
    }

    @Test
    void domainOf255Octets_isValid_256IsNot() {
        String label = "a".repeat(63);
        String d255 = label + "." + label + "." + label + "." + label;
        assertThat(d255).hasSize(255);
        assertThat(AddressSyntax.isDomain(d255, false)).isTrue();
        assertThat(AddressSyntax.isDomain(d255 + "b", false)).isFalse();
    }

    @Test
    void labelOf63Octets_isValid_64IsNot() {
        assertThat(AddressSyntax.isDomain("a".repeat(63) + ".example", false)).isTrue();
        assertThat(AddressSyntax.isDomain("a".repeat(64) + ".example", false)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "example.", ".example", "a..b", "-a.example", "a-.example", "a_b.example",
            "a b.example"})
    void invalidDomain(String s) {
        assertThat(AddressSyntax.isDomain(s, true)).isFalse();
    }

    @Test
    void nonAsciiLabel_isValidOnlyWhenAllowed() {
        assertThat(AddressSyntax.isDomain("bücher.example", true)).isTrue();
        assertThat(AddressSyntax.isDomain("bücher.example", false)).isFalse();
        assertThat(AddressSyntax.isDomain("xn--bcher-kva.example", false)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.1]", "[0.0.0.0]", "[255.255.255.255]", "[IPv6:::1]", "[IPv6:2001:db8::1]",
            "[IPv6:::ffff:192.0.2.1]", "[tag:content]"})
    void validAddressLiteral(String s) {
        assertThat(AddressSyntax.isAddressLiteral(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "[192.0.2.1", "[1.2.3.4.5]", "[1.2.3.]", "[1234.0.0.1]", "[IPv6:]",
            "[IPv6:g::1]", "[IPv6:1::2::3]", "[tag:]", "[tag:a b]", "[\u0661.2.3.4]", "[١٩٢.0.2.1]"})
    void invalidAddressLiteral(String s) {
        assertThat(AddressSyntax.isAddressLiteral(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[tag:content]", "[x-tag:opaque]", "[IPv4:192.0.2.1]", "[IPv66:1::2]"})
    void generalAddressLiteral_isAnyTagButIpv6(String s) {
        assertThat(AddressSyntax.isGeneralAddressLiteral(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[192.0.2.1]", "[IPv6:2001:db8::1]", "[ipv6:::1]", "example.com", "[tag:]", "[tag:a b]"})
    void ipLiteralsDomainsAndMalformedLiterals_areNotGeneralAddressLiterals(String s) {
        assertThat(AddressSyntax.isGeneralAddressLiteral(s)).isFalse();
    }

    @Test
    void esmtpKeyword_isAlphanumericAndHyphenNotLeading() {
        assertThat(AddressSyntax.isEsmtpKeyword("SIZE")).isTrue();
        assertThat(AddressSyntax.isEsmtpKeyword("X-FOO1")).isTrue();
        assertThat(AddressSyntax.isEsmtpKeyword("-X")).isFalse();
        assertThat(AddressSyntax.isEsmtpKeyword("X_Y")).isFalse();
        assertThat(AddressSyntax.isEsmtpKeyword("ÄB")).isFalse();
        assertThat(AddressSyntax.isEsmtpKeyword("")).isFalse();
    }

    @Test
    void esmtpValue_excludesSpaceEqualsAndControls() {
        assertThat(AddressSyntax.isEsmtpValue("8BITMIME")).isTrue();
        assertThat(AddressSyntax.isEsmtpValue("ünicode")).isTrue();
        assertThat(AddressSyntax.isEsmtpValue("")).isFalse();
        assertThat(AddressSyntax.isEsmtpValue("a=b")).isFalse();
        assertThat(AddressSyntax.isEsmtpValue("a b")).isFalse();
        assertThat(AddressSyntax.isEsmtpValue("a\u007f")).isFalse();
    }
}
