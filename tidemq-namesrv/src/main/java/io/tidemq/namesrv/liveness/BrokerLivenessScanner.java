package io.tidemq.namesrv.liveness;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.route.BrokerLiveInfo;
import io.tidemq.namesrv.route.RouteInfoManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Evicts brokers that sent neither a registration nor a heartbeat for {@code brokerExpireMs}: every
 * {@code scanIntervalMs} its thread ({@value #THREAD_NAME}) asks the event bus to decide which brokers are
 * expired and to dispatch one {@link BrokerEvictedEvent} for each. The decision runs on the event thread,
 * so a registration that arrived just before it is always taken into account.
 */
public final class BrokerLivenessScanner implements AutoCloseable {

    public static final String THREAD_NAME = "tidemq-namesrv-liveness-scan";

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLivenessScanner.class);

    private final RouteInfoManager routeInfoManager;
    private final NamesrvEventBus eventBus;
    private final long brokerExpireMs;
    private final long scanIntervalMs;
    private final LongSupplier clockMs;
    /** Runs only {@link #scanNow()}; owned by this scanner. */
    private final ServiceThread timer;

    /** Read by the event thread at each scan: false on a replication backup (only the primary evicts). */
    private final BooleanSupplier evicts;

    public BrokerLivenessScanner(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus, long brokerExpireMs,
                                 long scanIntervalMs, LongSupplier clockMs) {
        this(routeInfoManager, eventBus, brokerExpireMs, scanIntervalMs, clockMs, () -> true);
    }

    /** @param evicts whether this NameServer evicts now (a replication backup does not: its primary decides) */
    public BrokerLivenessScanner(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus, long brokerExpireMs,
                                 long scanIntervalMs, LongSupplier clockMs, BooleanSupplier evicts) {
        this.evicts = evicts;
        this.routeInfoManager = routeInfoManager;
        this.eventBus = eventBus;
        this.brokerExpireMs = brokerExpireMs;
        this.scanIntervalMs = scanIntervalMs;
        this.clockMs = clockMs;
        // A failed scan is logged and the next one runs on schedule.
        this.timer = ServiceThread.every(THREAD_NAME, scanIntervalMs, this::scanQuietly,
                e -> LOG.error("Broker liveness scan failed; retrying in {} ms", scanIntervalMs, e));
    }

    public void start() {
        timer.start();
    }

    /** Decides and dispatches the evictions due now; the future completes with the events dispatched. */
    public CompletableFuture<List<NamesrvEvent>> scanNow() {
        return eventBus.publishDecided(this::decideExpired);
    }

    private void scanQuietly() {
        scanNow().whenComplete((events, error) -> {
            if (error != null) {
                LOG.warn("Broker liveness scan failed; retrying in {} ms: {}", scanIntervalMs, error.toString());
            }
        });
    }

    private List<NamesrvEvent> decideExpired() {
        if (!evicts.getAsBoolean()) {
            return List.of();
        }
        long nowMs = clockMs.getAsLong();
        List<NamesrvEvent> evictions = new ArrayList<>();
        for (BrokerLiveInfo info : routeInfoManager.findExpired(nowMs, brokerExpireMs)) {
            evictions.add(new BrokerEvictedEvent(info.broker(), EvictionReason.EXPIRED,
                    "silent for " + info.silentMs(nowMs) + " ms, brokerExpireMs is " + brokerExpireMs,
                    info.lastUpdateMs(), nowMs));
        }
        return evictions;
    }

    /** Stops the scan thread; a scan already handed to the event bus still completes there. */
    @Override
    public void close() {
        if (!timer.shutdown(5_000)) {
            LOG.warn("{} did not stop within 5 s", THREAD_NAME);
        }
    }
}
