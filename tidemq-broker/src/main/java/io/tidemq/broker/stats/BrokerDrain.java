package io.tidemq.broker.stats;

import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the broker is drained ({@code tidemq admin broker drain}): it then registers every topic without
 * the write permission, so producers stop routing new messages to it at their next route refresh, while
 * consumers keep reading what it holds. Sends that still arrive (producers with an older route) are stored.
 * Not persisted: a restarted broker is writable again, which is what a rolling restart wants.
 *
 * <p>Thread-safety: the flag and the change counter are atomics; admin threads toggle, the registration
 * thread reads.
 */
public final class BrokerDrain {

    private volatile boolean drained;
    /** Grows at every toggle, so the registration's data version changes and NameServers re-read the topics. */
    private final AtomicLong changes = new AtomicLong();

    /** Sets the state; returns whether it changed. */
    public synchronized boolean set(boolean drain) {
        if (drained == drain) {
            return false;
        }
        drained = drain;
        changes.incrementAndGet();
        return true;
    }

    public boolean drained() {
        return drained;
    }

    /** How many times the state changed since start; added to the topics' data version in registrations. */
    public long changes() {
        return changes.get();
    }

    /** The topics as they are registered: without the write permission while drained. */
    public Map<String, TopicConfig> advertised(Map<String, TopicConfig> topics) {
        if (!drained) {
            return topics;
        }
        Map<String, TopicConfig> readOnly = new TreeMap<>();
        topics.forEach((name, c) -> readOnly.put(name, new TopicConfig(c.topic(), c.readQueueNums(),
                c.writeQueueNums(), c.perm() & ~Perm.WRITE, c.order())));
        return readOnly;
    }
}
