package io.tidemq.namesrv.metrics;

import io.tidemq.namesrv.membership.EvictionReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NameServer's counters, since start. Written on the event thread (by the event bus and the built-in
 * audit handler) and read from any thread (metrics export, console, tests): each counter is an
 * {@link AtomicLong} for visibility; the event map itself is filled at construction and never changes.
 */
public final class NamesrvMetrics {

    private final AtomicLong registrations = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong unregistrations = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final Map<EvictionReason, AtomicLong> evictions = new EnumMap<>(EvictionReason.class);

    public NamesrvMetrics() {
        for (EvictionReason reason : EvictionReason.values()) {
            evictions.put(reason, new AtomicLong());
        }
    }

    public void recordRegistration() {
        registrations.incrementAndGet();
    }

    public void recordHeartbeat() {
        heartbeats.incrementAndGet();
    }

    public void recordUnregistration() {
        unregistrations.incrementAndGet();
    }

    public void recordEviction(EvictionReason reason) {
        evictions.get(reason).incrementAndGet();
    }

    public void recordHandlerFailure() {
        handlerFailures.incrementAndGet();
    }

    public long registrations() {
        return registrations.get();
    }

    public long heartbeats() {
        return heartbeats.get();
    }

    public long unregistrations() {
        return unregistrations.get();
    }

    public long evictions(EvictionReason reason) {
        return evictions.get(reason).get();
    }

    public long evictionsTotal() {
        long total = 0;
        for (AtomicLong n : evictions.values()) {
            total += n.get();
        }
        return total;
    }

    /** Exceptions thrown by event handlers (each was logged; the bus carried on). */
    public long handlerFailures() {
        return handlerFailures.get();
    }
}
