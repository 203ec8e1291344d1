package io.tidemq.console.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs.get());
        }
    };

    @Test
    void tooManyFailuresForOneUserBlockItForAMinuteOnly() {
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(t.allows("admin")).isTrue();
            t.failed("admin");
        }
        assertThat(t.allows("admin")).isFalse();
        assertThat(t.allows("other")).isTrue();
        nowMs.addAndGet(LoginThrottle.WINDOW_MS + 1);
        assertThat(t.allows("admin")).isTrue();
    }

    @Test
    void aSuccessClearsTheFailures() {
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            t.failed("admin");
        }
        t.succeeded("admin");
        t.failed("admin");
        assertThat(t.allows("admin")).isTrue();
    }
}
