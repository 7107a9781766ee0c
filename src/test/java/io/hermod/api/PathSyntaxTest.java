package io.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/v1/queues/example.com/suspend", "/api/v1/queues/%5B192.0.2.1%5D/flush",
        "/api/v1/queues/b%C3%BCcher.example/resume", "/a%2Fb", "/%F0%9F%93%AE", "/%41%62"})
    void pathsThatDecode_passUnremarked(String path) {
        assertThat(PathSyntax.problem(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/%", "/a%4", "/%4g/x", "/%-1", "/%+f"})
    void badEscapes_areNamed(String path) {
        assertThat(PathSyntax.problem(path)).startsWith("path: \"%").contains("not a percent-escape");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%C3x", "/%FF", "/%C3", "/%ED%A0%80", "/%C0%AF", "/%F4%90%80%80"})
    void escapesThatAreNotUtf8_areNamed(String path) {
        // a lone lead octet, an invalid octet, a truncated sequence, a surrogate, an overlong "/", beyond U+10FFFF
        assertThat(PathSyntax.problem(path)).isEqualTo("path: its percent-escapes do not decode as UTF-8");
    }

    @Test
    void rawOctetOutsideAscii_isNamed() {
        assertThat(PathSyntax.problem("/caf\u00c3\u00a9")).isEqualTo("path: has an octet outside ASCII; percent-encode it");
    }
}
