package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.membership.BrokerIdentity;
/**
 * The NameServer is removing a broker that went silent or lost its connection; clients stop seeing it on
 * their next route refresh.
 *
 * @param broker       who is evicted, as the registry knew it
 * @param reason       why
 * @param detail       a human-readable explanation for the log ("silent for 121034 ms, limit 120000 ms")
 * @param lastUpdateMs epoch millis of the broker's last registration or heartbeat
 * @param timestampMs  when the eviction was decided
 */
public record BrokerEvictedEvent(BrokerIdentity broker, EvictionReason reason, String detail, long lastUpdateMs,
                                 long timestampMs) implements NamesrvEvent {
}
