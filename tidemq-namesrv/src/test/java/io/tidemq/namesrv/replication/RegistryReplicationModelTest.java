package io.tidemq.namesrv.replication;

import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.event.BrokerUnregisteredEvent;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.metrics.NamesrvMetrics;
import io.tidemq.namesrv.route.RegistryState;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.namesrv.route.RouteTableEventHandler;
import io.tidemq.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model test of the op model: random streams of registrations (masters and slaves, topic changes, stale master
 * epochs, address takeovers), unregistrations and evictions applied on a "primary" registry through its event bus
 * and journal, and on a "backup" only through the resulting operations (as JSON, as on the wire), give equal
 * registries after every step; so does a snapshot taken at any point plus the operations after it.
 */
class RegistryReplicationModelTest {

    private final List<NamesrvEventBus> buses = new ArrayList<>();

    @AfterEach
    void close() {
        buses.forEach(NamesrvEventBus::close);
    }

    private record Node(RouteInfoManager registry, NamesrvEventBus bus) {
    }

    private Node node() {
        RouteInfoManager registry = new RouteInfoManager();
        NamesrvEventBus bus = new NamesrvEventBus(List.of(new RouteTableEventHandler()),
                new NamesrvEventContext(NamesrvConfig.defaults(), registry, new NamesrvMetrics()), 10_000);
        buses.add(bus);
        return new Node(registry, bus);
    }

    private static NamesrvEvent randomEvent(Random rnd, long now) {
        String addr = "10.0.0." + rnd.nextInt(8) + ":10911";
        String group = "broker-" + rnd.nextInt(3);
        long id = rnd.nextInt(3) == 0 ? 1 : 0;
        BrokerIdentity broker = new BrokerIdentity("c" + rnd.nextInt(2), group, id, addr);
        int kind = rnd.nextInt(10);
        if (kind < 7) {
            Map<String, TopicConfig> topics = new HashMap<>();
            for (int t = 0; t < 4; t++) {
                if (rnd.nextBoolean()) {
                    topics.put("topic-" + t, TopicConfig.of("topic-" + t, 1 + rnd.nextInt(8)));
                }
            }
            BrokerRegistration reg = new BrokerRegistration(broker.clusterName(), group, id, addr, topics,
                    rnd.nextInt(4), null, rnd.nextInt(3));
            return new BrokerRegisteredEvent(broker, reg, null, now);
        }
        if (kind < 9) {
            return new BrokerUnregisteredEvent(broker, now);
        }
        return new BrokerEvictedEvent(broker, EvictionReason.EXPIRED, "model", now, now);
    }

    @Test
    void randomOperationStreamsGiveEqualRegistriesOnPrimaryAndBackupAndThroughSnapshots() throws Exception {
        for (int seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            Node primary = node();
            Node backup = node();
            OpLog primaryLog = new OpLog(1_000);
            OpLog backupLog = new OpLog(1_000);
            long epoch = 1 + rnd.nextInt(3);
            primary.bus().setJournal(events -> events.forEach(e ->
                    primaryLog.append(RegistryOp.of(epoch, primaryLog.lastSeq() + 1, e), 0)));
            RegistrySnapshot snapshot = null;
            long now = 1_000;
            for (int step = 0; step < 150; step++) {
                NamesrvEvent e = randomEvent(rnd, now += rnd.nextInt(50));
                // unregister/evict are decided against the table, as the processors do
                primary.bus().publishDecided(() -> e instanceof BrokerRegisteredEvent
                        || primary.registry().liveInfo(e.broker().brokerAddr()).isPresent() ? List.of(e) : List.of()).get();
                if (step == 70) {
                    snapshot = new RegistrySnapshot(primaryLog.lastSeq(), primaryLog.lastEpoch(),
                            primary.registry().exportState());
                }
            }
            // the backup applies what crossed the wire: JSON operations, in order
            for (RegistryOp op : primaryLog.after(0, 10_000)) {
                RegistryOp wire = Json.fromBytes(Json.toBytes(op), RegistryOp.class);
                backupLog.append(wire, 0);
                backup.bus().publishReplicated(() -> List.of(wire.toEvent())).get();
            }
            assertThat(backup.registry().exportState()).as("seed %d", seed).isEqualTo(primary.registry().exportState());
            assertThat(backupLog.ops()).isEqualTo(primaryLog.ops());

            Node late = node();
            RegistrySnapshot wireSnap = Json.fromBytes(Json.toBytes(snapshot), RegistrySnapshot.class);
            late.bus().publishReplicated(() -> {
                late.registry().importState(wireSnap.state());
                return List.of();
            }).get();
            for (RegistryOp op : primaryLog.after(wireSnap.seq(), 10_000)) {
                late.bus().publishReplicated(() -> List.of(op.toEvent())).get();
            }
            RegistryState expected = primary.registry().exportState();
            assertThat(late.registry().exportState()).as("snapshot + ops, seed %d", seed).isEqualTo(expected);
        }
    }

    @Test
    void theRingServesOperationsAfterAPositionOrSaysASnapshotIsNeeded() {
        OpLog log = new OpLog(3);
        BrokerIdentity b = new BrokerIdentity("c", "g", 0, "10.0.0.1:1");
        for (long seq = 1; seq <= 5; seq++) {
            log.append(new RegistryOp(1, seq, RegistryOp.Kind.UNREGISTER, b, null, null, null, seq), seq);
        }
        assertThat(log.firstSeq()).isEqualTo(3);
        assertThat(log.after(2, 10)).extracting(RegistryOp::seq).containsExactly(3L, 4L, 5L);
        assertThat(log.after(4, 10)).extracting(RegistryOp::seq).containsExactly(5L);
        assertThat(log.after(5, 10)).isEmpty();
        assertThat(log.after(1, 10)).as("operation 2 left the ring").isNull();
        assertThat(log.matches(4, 1)).isTrue();
        assertThat(log.matches(4, 2)).as("same position, other epoch: diverged").isFalse();
        assertThat(log.matches(6, 1)).as("beyond this history").isFalse();
        assertThatThrownBy(() -> log.append(new RegistryOp(1, 7, RegistryOp.Kind.UNREGISTER, b, null, null, null, 7), 7))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
