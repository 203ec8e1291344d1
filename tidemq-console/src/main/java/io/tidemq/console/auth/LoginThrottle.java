package io.tidemq.console.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #MAX_FAILURES} failed logins for one user name within
 * {@value #WINDOW_MS} ms, further attempts for it are refused until the window passes. Thread-safe: each
 * user's record is replaced atomically in a concurrent map.
 */
public final class LoginThrottle {

    static final int MAX_FAILURES = 10;
    static final long WINDOW_MS = 60_000;
    /** Beyond this many names, old records are dropped (bounds the memory random names can take). */
    private static final int SWEEP_ABOVE = 10_000;

    private record Failures(int count, long firstMs) {
    }

    /** User name to its recent failures; written by the Jetty request threads. */
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether a login for {@code user} may be tried now. */
    public boolean allows(String user) {
        Failures f = byUser.get(user);
        return f == null || f.count() < MAX_FAILURES || clock.millis() - f.firstMs() > WINDOW_MS;
    }

    public void failed(String user) {
        long now = clock.millis();
        if (byUser.size() > SWEEP_ABOVE) {
            byUser.values().removeIf(f -> now - f.firstMs() > WINDOW_MS);
        }
        byUser.compute(user, (u, f) -> f == null || now - f.firstMs() > WINDOW_MS ? new Failures(1, now)
                : new Failures(f.count() + 1, f.firstMs()));
    }

    public void succeeded(String user) {
        byUser.remove(user);
    }
}
