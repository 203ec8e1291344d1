package io.tidemq.namesrv.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * The built-in handler that logs broker membership changes and counts every event in
 * {@link io.tidemq.namesrv.metrics.NamesrvMetrics}. Every eviction is logged at WARN with its reason, because an
 * eviction is the moment clients start losing a broker. Heartbeats are only counted: they come every few
 * seconds from every broker and would drown the log.
 */
public final class BrokerAuditEventHandler implements NamesrvEventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAuditEventHandler.class);

    /** Addresses seen registered, to log a broker's arrival once rather than every 30 s. Event thread only. */
    private final Set<String> knownAddrs = new HashSet<>();

    /** After the route table, so a failure here can never keep the table from changing. */
    @Override
    public int order() {
        return ROUTE_TABLE_ORDER + 1;
    }

    @Override
    public void onRegistered(BrokerRegisteredEvent event, NamesrvEventContext context) {
        context.metrics().recordRegistration();
        int topics = event.registration().topicConfigs() == null ? 0 : event.registration().topicConfigs().size();
        if (knownAddrs.add(event.broker().brokerAddr())) {
            LOG.info("Broker {} registered with {} topics, data version {}", event.broker(), topics,
                    event.registration().dataVersion());
        } else {
            LOG.debug("Broker {} re-registered with {} topics, data version {}", event.broker(), topics,
                    event.registration().dataVersion());
        }
    }

    @Override
    public void onHeartbeat(BrokerHeartbeatEvent event, NamesrvEventContext context) {
        context.metrics().recordHeartbeat();
    }

    @Override
    public void onUnregistered(BrokerUnregisteredEvent event, NamesrvEventContext context) {
        context.metrics().recordUnregistration();
        knownAddrs.remove(event.broker().brokerAddr());
        LOG.info("Broker {} unregistered; removed from routes", event.broker());
    }

    @Override
    public void onEvicted(BrokerEvictedEvent event, NamesrvEventContext context) {
        context.metrics().recordEviction(event.reason());
        knownAddrs.remove(event.broker().brokerAddr());
        LOG.warn("Evicted broker {}: {} ({}); last registration or heartbeat {} ms before eviction",
                event.broker(), event.reason(), event.detail(), event.timestampMs() - event.lastUpdateMs());
    }
}
