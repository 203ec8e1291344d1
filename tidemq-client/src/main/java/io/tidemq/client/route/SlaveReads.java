package io.tidemq.client.route;

import io.tidemq.common.route.BrokerData;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where a consumer reads a broker group from: its master, or, while the master is unreachable, a slave. A read
 * (pull, offset commit or query) that gets no answer from a master marks that master unreachable for
 * {@link #MASTER_RETRY_AFTER_MS}; reads of its group go meanwhile to the group's slave with the lowest id (a
 * slave shows messages up to its commit point and keeps the offsets committed on it for the master). Once the mark
 * lapses the next read tries the master again, so consumers return to it within that time of its return; a
 * master that still does not answer is marked again. A group the route lists without a master is read from its
 * slave at once.
 *
 * <p>Thread-safety: a concurrent map of marks; any thread reads and marks.
 */
public final class SlaveReads {

    /** How long reads avoid a master that did not answer before they try it again. */
    public static final long MASTER_RETRY_AFTER_MS = 2_000;

    private final long retryAfterMs;
    private final LongSupplier clockMs;
    /** Master address to the epoch millis until which reads avoid it. */
    private final Map<String, Long> avoidUntilMs = new ConcurrentHashMap<>();

    public SlaveReads() {
        this(MASTER_RETRY_AFTER_MS, System::currentTimeMillis);
    }

    public SlaveReads(long retryAfterMs, LongSupplier clockMs) {
        this.retryAfterMs = retryAfterMs;
        this.clockMs = clockMs;
    }

    /**
     * The address to read {@code group} from: its master unless marked unreachable, else its lowest-id slave,
     * else the master anyway (nothing better is known); {@code null} when the route lists no address.
     */
    public String readAddress(BrokerData group) {
        if (group == null || group.brokerAddrs() == null) {
            return null;
        }
        String master = group.masterAddr();
        if (master != null && !avoided(master)) {
            return master;
        }
        String slave = lowestSlave(group);
        return slave != null ? slave : master;
    }

    /**
     * A read from {@code addr} got no answer (refused, closed, timed out): when {@code addr} is the group's master
     * and the group has a slave, reads avoid the master for a while.
     *
     * @return whether the next read goes to a slave instead
     */
    public boolean readFailed(BrokerData group, String addr) {
        if (group == null || addr == null || !addr.equals(group.masterAddr()) || lowestSlave(group) == null) {
            return false;
        }
        avoidUntilMs.put(addr, clockMs.getAsLong() + retryAfterMs);
        return true;
    }

    /** Whether reads avoid the master at {@code addr} now. */
    public boolean avoided(String addr) {
        if (avoidUntilMs.isEmpty()) {
            return false;
        }
        Long until = avoidUntilMs.get(addr);
        if (until == null) {
            return false;
        }
        if (clockMs.getAsLong() >= until) {
            avoidUntilMs.remove(addr, until);
            return false;
        }
        return true;
    }

    private static String lowestSlave(BrokerData group) {
        long lowest = Long.MAX_VALUE;
        String addr = null;
        for (Map.Entry<Long, String> e : group.brokerAddrs().entrySet()) {
            if (e.getKey() != BrokerData.MASTER_ID && e.getKey() < lowest && e.getValue() != null) {
                lowest = e.getKey();
                addr = e.getValue();
            }
        }
        return addr;
    }
}
