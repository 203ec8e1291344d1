package io.tidemq.namesrv.liveness;

import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.route.BrokerLiveInfo;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Evicts a broker the moment the connection it registered over closes, goes idle or fails, instead of
 * waiting brokerExpireMs. Which brokers used the connection is decided on the event thread, after every
 * registration queued before the connection event: a broker that already re-registered over a new
 * connection is therefore not evicted for its old one. Connections of producers and consumers match no
 * broker and cause no event.
 */
public final class BrokerChannelListener implements ChannelEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerChannelListener.class);

    private final RouteInfoManager routeInfoManager;
    private final NamesrvEventBus eventBus;
    private final LongSupplier clockMs;
    /** Set by the controller's shutdown thread, read by the remoting event thread. */
    private volatile boolean stopped;

    /** Read on the event thread: false on a replication backup (only the primary evicts). */
    private final BooleanSupplier evicts;

    public BrokerChannelListener(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus, LongSupplier clockMs) {
        this(routeInfoManager, eventBus, clockMs, () -> true);
    }

    /** @param evicts whether this NameServer evicts now (a replication backup does not: its primary decides) */
    public BrokerChannelListener(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus, LongSupplier clockMs,
                                 BooleanSupplier evicts) {
        this.evicts = evicts;
        this.routeInfoManager = routeInfoManager;
        this.eventBus = eventBus;
        this.clockMs = clockMs;
    }

    /**
     * Ignores connection events from now on: when the NameServer itself shuts down it closes every
     * connection, and those are not brokers failing.
     */
    public void stop() {
        stopped = true;
    }

    @Override
    public void onClose(String remoteAddress, RemotingChannel channel) {
        evictBrokersOf(channel, EvictionReason.CHANNEL_CLOSED, "connection from " + remoteAddress + " closed");
    }

    @Override
    public void onIdle(String remoteAddress, RemotingChannel channel) {
        evictBrokersOf(channel, EvictionReason.CHANNEL_IDLE, "connection from " + remoteAddress + " went idle");
    }

    @Override
    public void onException(String remoteAddress, RemotingChannel channel, Throwable cause) {
        evictBrokersOf(channel, EvictionReason.CHANNEL_ERROR,
                "connection from " + remoteAddress + " failed: " + cause);
    }

    private void evictBrokersOf(RemotingChannel channel, EvictionReason reason, String detail) {
        if (stopped) {
            return;
        }
        eventBus.publishDecided(() -> {
            if (!evicts.getAsBoolean()) {
                return List.<NamesrvEvent>of();
            }
            long nowMs = clockMs.getAsLong();
            List<NamesrvEvent> evictions = new ArrayList<>();
            for (BrokerLiveInfo info : routeInfoManager.findByChannel(channel)) {
                evictions.add(new BrokerEvictedEvent(info.broker(), reason, detail, info.lastUpdateMs(), nowMs));
            }
            return evictions;
        }).whenComplete((events, error) -> {
            if (error != null) {
                LOG.warn("Could not evict the brokers of a lost connection ({}); they expire after brokerExpireMs "
                        + "instead: {}", detail, error.toString());
            }
        });
    }
}
