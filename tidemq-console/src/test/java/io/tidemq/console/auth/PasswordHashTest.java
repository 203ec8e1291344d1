package io.tidemq.console.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void theRightPasswordMatchesAndAWrongOneDoesNot() {
        PasswordHash h = PasswordHash.of("s3cret".toCharArray(), RANDOM, 1_000);

        assertThat(h.matches("s3cret".toCharArray())).isTrue();
        assertThat(h.matches("s3cret ".toCharArray())).isFalse();
        assertThat(h.matches(new char[0])).isFalse();
    }

    @Test
    void theStoredFormReadsBackAndHoldsNeitherThePasswordNorAnUnsaltedHash() {
        PasswordHash h = PasswordHash.of("s3cret".toCharArray(), RANDOM, 1_000);
        PasswordHash again = PasswordHash.of("s3cret".toCharArray(), RANDOM, 1_000);

        assertThat(h.encode()).startsWith("pbkdf2-sha256:1000:").doesNotContain("s3cret");
        assertThat(PasswordHash.decode(h.encode())).isEqualTo(h);
        assertThat(PasswordHash.decode(h.encode()).matches("s3cret".toCharArray())).isTrue();
        assertThat(again.encode()).as("a fresh salt each time").isNotEqualTo(h.encode());
        assertThat(h.toString()).doesNotContain(h.encode().split(":")[3]);
    }

    @Test
    void newHashesUseTheOwaspIterationCount() {
        assertThat(PasswordHash.of("x".toCharArray(), RANDOM).iterations()).isEqualTo(210_000);
    }

    @Test
    void aMalformedStoredFormIsRefusedWithTheExpectedShape() {
        assertThatThrownBy(() -> PasswordHash.decode("plain-password")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pbkdf2-sha256:<iterations>:<salt>:<hash>");
        assertThatThrownBy(() -> PasswordHash.decode("pbkdf2-sha256:x:AA==:AA==")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iteration");
    }
}
