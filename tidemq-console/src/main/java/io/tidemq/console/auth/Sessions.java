package io.tidemq.console.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in sessions: a random 256-bit token (the cookie's value) to its user, forgotten after
 * {@code idleTimeoutMs} without a request or at logout. Thread-safe: the map is concurrent and each entry
 * immutable (a touch replaces it).
 */
public final class Sessions {

    public static final String COOKIE = "tidemq_session";
    private static final int TOKEN_BYTES = 32;
    /** Beyond this many sessions the expired ones are dropped before a new one is added. */
    private static final int SWEEP_ABOVE = 1_000;

    private record Session(String user, long lastSeenMs) {
    }

    /** Token to session; written by the Jetty request threads. */
    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final long idleTimeoutMs;

    public Sessions(SecureRandom random, Clock clock, long idleTimeoutMs) {
        this.random = random;
        this.clock = clock;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** Starts a session for {@code user}; returns its token. */
    public String open(String user) {
        if (byToken.size() > SWEEP_ABOVE) {
            long now = clock.millis();
            byToken.values().removeIf(s -> now - s.lastSeenMs() > idleTimeoutMs);
        }
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byToken.put(token, new Session(user, clock.millis()));
        return token;
    }

    /** The user of a live session, refreshing it; empty for an unknown or expired token. */
    public Optional<String> user(String token) {
        if (token == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Session s = byToken.computeIfPresent(token, (t, old) ->
                now - old.lastSeenMs() > idleTimeoutMs ? null : new Session(old.user(), now));
        return s == null ? Optional.empty() : Optional.of(s.user());
    }

    public void close(String token) {
        if (token != null) {
            byToken.remove(token);
        }
    }
}
