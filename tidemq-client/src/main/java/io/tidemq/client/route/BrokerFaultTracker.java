package io.tidemq.client.route;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers brokers whose last send failed, so queue selection skips them for {@code faultAvoidanceMs}
 * instead of hitting a dead broker on every round-robin turn. A success clears the mark at once.
 *
 * <p>Thread-safety: a concurrent map; the send path only reads it while every broker is healthy.
 */
public final class BrokerFaultTracker {

    private final long faultAvoidanceMs;
    private final LongSupplier clockMs;
    /** Broker name to the epoch millis until which it is avoided. */
    private final Map<String, Long> avoidUntilMs = new ConcurrentHashMap<>();

    public BrokerFaultTracker(long faultAvoidanceMs) {
        this(faultAvoidanceMs, System::currentTimeMillis);
    }

    public BrokerFaultTracker(long faultAvoidanceMs, LongSupplier clockMs) {
        this.faultAvoidanceMs = faultAvoidanceMs;
        this.clockMs = clockMs;
    }

    public void markFailed(String brokerName) {
        if (faultAvoidanceMs > 0) {
            avoidUntilMs.put(brokerName, clockMs.getAsLong() + faultAvoidanceMs);
        }
    }

    public void markOk(String brokerName) {
        if (!avoidUntilMs.isEmpty()) {
            avoidUntilMs.remove(brokerName);
        }
    }

    /** Whether sends may go to {@code brokerName} now. */
    public boolean isAvailable(String brokerName) {
        if (avoidUntilMs.isEmpty()) {
            return true;
        }
        Long until = avoidUntilMs.get(brokerName);
        return until == null || clockMs.getAsLong() >= until;
    }
}
