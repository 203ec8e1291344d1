package io.tidemq.namesrv.replication;

import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.event.BrokerUnregisteredEvent;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.membership.EvictionReason;

/**
 * One change of the route registry as the primary NameServer decided it: numbered by {@code seq} (1, 2, … with no
 * gap, across epochs) and stamped with the primary's {@code epoch}. Backups apply operations in sequence order and
 * refuse those of an older epoch. Heartbeats are not operations: only the primary evicts, from its own liveness.
 *
 * @param epoch        the epoch of the primary that decided it
 * @param seq          its position in the registry's history
 * @param kind         what changed
 * @param broker       the broker it is about
 * @param registration the registration (REGISTER only, else null)
 * @param reason       why the broker was evicted (EVICT only, else null)
 * @param detail       a readable explanation for logs (EVICT), else null
 * @param timestampMs  when the primary received the request or decided the eviction (the backups' liveness time)
 */
public record RegistryOp(long epoch, long seq, Kind kind, BrokerIdentity broker, BrokerRegistration registration,
                         EvictionReason reason, String detail, long timestampMs) {

    /** The kinds of registry change. */
    public enum Kind { REGISTER, UNREGISTER, EVICT }

    /** The operation for an applied event, or null for an event that changes no replicated state (a heartbeat). */
    public static RegistryOp of(long epoch, long seq, NamesrvEvent event) {
        if (event instanceof BrokerRegisteredEvent e) {
            return new RegistryOp(epoch, seq, Kind.REGISTER, e.broker(), e.registration(), null, null, e.timestampMs());
        }
        if (event instanceof BrokerUnregisteredEvent e) {
            return new RegistryOp(epoch, seq, Kind.UNREGISTER, e.broker(), null, null, null, e.timestampMs());
        }
        if (event instanceof BrokerEvictedEvent e) {
            return new RegistryOp(epoch, seq, Kind.EVICT, e.broker(), null, e.reason(), e.detail(), e.timestampMs());
        }
        return null;
    }

    /** The event a backup dispatches to apply this operation (without a connection: backups watch none). */
    public NamesrvEvent toEvent() {
        return switch (kind) {
            case REGISTER -> new BrokerRegisteredEvent(broker, registration, null, timestampMs);
            case UNREGISTER -> new BrokerUnregisteredEvent(broker, timestampMs);
            case EVICT -> new BrokerEvictedEvent(broker, reason, "replicated: " + detail, timestampMs, timestampMs);
        };
    }
}
