package io.tidemq.broker.stats;

import io.tidemq.common.TideMqVersion;
import io.tidemq.common.protocol.body.BrokerFigures;
import io.tidemq.common.route.BrokerData;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoreStats;

import java.io.File;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Takes the {@link BrokerFigures} a broker sends with each registration. Rates are the change of the running
 * totals since the previous sample divided by the time between the two, so each report covers the interval
 * since the one before (the first covers the time since start).
 *
 * <p>Thread-safety: {@link #sample()} is synchronized; it is called by the registration thread and, at shutdown,
 * by the thread that closes the broker.
 */
public final class BrokerFiguresSampler {

    private final BrokerStats stats;
    private final MessageStore store;
    private final Path storePath;
    private final long brokerId;
    private final BooleanSupplier drained;
    private final IntSupplier topicCount;
    private final LongSupplier clockMs;

    /** The previous sample's time and totals; guarded by {@code this}. */
    private long lastMs;
    private long lastPutMessages;
    private long lastGetMessages;
    private long lastPutBytes;
    private long lastGetBytes;

    public BrokerFiguresSampler(BrokerStats stats, MessageStore store, Path storePath, long brokerId,
                                BooleanSupplier drained, IntSupplier topicCount, LongSupplier clockMs) {
        this.stats = stats;
        this.store = store;
        this.storePath = storePath;
        this.brokerId = brokerId;
        this.drained = drained;
        this.topicCount = topicCount;
        this.clockMs = clockMs;
        this.lastMs = stats.startTimeMs;
    }

    /** The figures now, with rates over the time since the previous call. */
    public synchronized BrokerFigures sample() {
        long now = clockMs.getAsLong();
        long putMessages = stats.putMessages.sum();
        long getMessages = stats.pulledMessages.sum();
        long putBytes = stats.putBytes.sum();
        long getBytes = stats.pulledBytes.sum();
        double seconds = Math.max(1, now - lastMs) / 1_000.0;
        double putTps = Math.max(0, putMessages - lastPutMessages) / seconds;
        double getTps = Math.max(0, getMessages - lastGetMessages) / seconds;
        double putBps = Math.max(0, putBytes - lastPutBytes) / seconds;
        double getBps = Math.max(0, getBytes - lastGetBytes) / seconds;
        lastMs = now;
        lastPutMessages = putMessages;
        lastGetMessages = getMessages;
        lastPutBytes = putBytes;
        lastGetBytes = getBytes;
        StoreStats s = store.stats();
        File dir = storePath.toFile();
        return new BrokerFigures(now, TideMqVersion.current(), brokerId == BrokerData.MASTER_ID ? "MASTER" : "SLAVE",
                stats.startTimeMs, round(putTps), round(getTps), round(putBps), round(getBps), putMessages,
                getMessages, dir.getTotalSpace(), dir.getUsableSpace(),
                Math.max(0, s.commitLogMaxOffset() - s.commitLogMinOffset()), store.writeState().name(),
                store.writeRefusal(), drained.getAsBoolean(), topicCount.getAsInt());
    }

    /** Two decimals are plenty for a rate and keep the JSON short. */
    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
