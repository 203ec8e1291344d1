package io.tidemq.broker.stats;

import io.tidemq.broker.stats.TrafficListener;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Running totals the broker reports in GET_BROKER_RUNTIME_INFO; a console derives rates from two samples.
 * LongAdders: updated by every send and pull thread without contention.
 */
public final class BrokerStats {

    public final LongAdder putMessages = new LongAdder();
    public final LongAdder putBytes = new LongAdder();
    public final LongAdder putFailures = new LongAdder();
    public final LongAdder pulledMessages = new LongAdder();
    public final LongAdder pulledBytes = new LongAdder();
    public final long startTimeMs = System.currentTimeMillis();
    /** Current figures other components report by name (e.g. timerScheduled); each supplier must be thread-safe. */
    public final Map<String, LongSupplier> gauges = new ConcurrentSkipListMap<>();
    /** Groups of text figures for {@code admin cluster stats} (replication's roles and lags), by section name. */
    public final Map<String, java.util.function.Supplier<Map<String, String>>> infoSections = new ConcurrentSkipListMap<>();
    /** Per-topic and per-group meters; set once when the broker's metrics start, read by every request thread. */
    private volatile TrafficListener traffic = TrafficListener.NONE;

    public TrafficListener traffic() {
        return traffic;
    }

    public void traffic(TrafficListener listener) {
        this.traffic = listener;
    }
}
