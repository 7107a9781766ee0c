package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StrongSuitesTest {

    @Test
    void onlyForwardSecretAeadSuitesAreKept() {
        assertThat(TlsCredentials.strongSuite("TLS_AES_128_GCM_SHA256")).isTrue();
        assertThat(TlsCredentials.strongSuite("TLS_CHACHA20_POLY1305_SHA256")).isTrue();
        assertThat(TlsCredentials.strongSuite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).isTrue();
        assertThat(TlsCredentials.strongSuite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).isTrue();
        assertThat(TlsCredentials.strongSuite("TLS_RSA_WITH_AES_128_GCM_SHA256")).isFalse();
        assertThat(TlsCredentials.strongSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).isFalse();
        assertThat(TlsCredentials.strongSuites()).isNotEmpty().allMatch(TlsCredentials::strongSuite);
    }
}
