package io.tidemq.controller.node;

import io.tidemq.controller.ratis.ControllerPeer;
import io.tidemq.controller.ratis.ControllerRaftConfig;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import org.apache.ratis.util.ExitUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three controller peers with their election duty; the test plays three broker replicas that heartbeat every
 * peer (design §5.5) and stops a replica's heartbeats to "kill" it.
 */
class ControllerNodeTest {
    private static final String G = "broker-a";
    private static final long LEASE_MS = 1500;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ControllerNode[] nodes = new ControllerNode[3];
    private List<ControllerPeer> peers;
    private final ScheduledExecutorService brokers = Executors.newSingleThreadScheduledExecutor();
    /** Replica id to its log end; present = alive and heartbeating. Written by the test, read by the heartbeat task. */
    private final Map<Integer, Long> aliveReplicas = new ConcurrentHashMap<>();
    /** The last epoch each replica reports (the epoch it last wrote or copied in). */
    private final Map<Integer, Integer> lastEpochs = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        List<ControllerPeer> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(new ControllerPeer("c" + i, "127.0.0.1", freePort()));
        }
        peers = List.copyOf(list);
        for (int i = 0; i < 3; i++) {
            nodes[i] = ControllerNode.start(new ControllerNodeConfig(
                    new ControllerRaftConfig("c" + i, peers, dir.resolve("c" + i), 1000, 2000, 1000, 1 << 20),
                    LEASE_MS, 100, 20));
        }
        brokers.scheduleWithFixedDelay(() -> aliveReplicas.forEach((id, maxOffset) -> {
            for (ControllerNode n : nodes) {
                if (n != null) {
                    n.heartbeat(G, id, 1, lastEpochs.getOrDefault(id, 0), maxOffset);
                }
            }
        }), 0, 200, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() {
        brokers.shutdownNow();
        for (ControllerNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        assertThat(ExitUtils.isTerminated()).isFalse();
    }

    @Test
    void theLeaderElectsTheFirstMasterThenReplacesItWhenItsLeaseLapsesAndAfterALeaderChange() throws Exception {
        ControllerNode any = nodes[0];
        for (int id = 0; id < 3; id++) {
            assertThat(any.submit(new Command.RegisterReplica(G, new ReplicaInfo(id, "127.0.0.1:" + (20000 + id),
                    "127.0.0.1:" + (21000 + id), "store-" + id, 1, 0))).accepted()).isTrue();
        }
        aliveReplicas.put(0, 100L);
        aliveReplicas.put(1, 300L); // the longest log becomes the first master
        aliveReplicas.put(2, 200L);
        GroupState first = awaitMaster(0);
        assertThat(first.masterId()).isEqualTo(1);
        assertThat(first.masterEpoch()).isEqualTo(1);

        // the master takes its slaves into the in-sync set (through the controller only)
        aliveReplicas.keySet().forEach(id -> lastEpochs.put(id, 1));
        assertThat(any.submit(new Command.AlterIsr(G, 1, 1, first.isrEpoch(), new TreeSet<>(List.of(0, 1, 2))))
                .accepted()).isTrue();

        // kill the master: its heartbeats stop; replica 2 holds more of epoch 1 than replica 0
        aliveReplicas.put(2, 300L);
        aliveReplicas.put(0, 250L);
        aliveReplicas.remove(1);
        GroupState second = awaitMaster(1);
        assertThat(second.masterId()).isEqualTo(2);
        assertThat(second.isr()).containsExactly(0, 2);

        // kill the controller leader; the new one waits a lease, and then still elects when the master dies
        int leader = awaitLeader(-1);
        nodes[leader].close();
        nodes[leader] = null;
        int next = awaitLeader(leader);
        assertThat(nodes[next].readState().group(G).masterEpoch()).as("no election while the master lives")
                .isEqualTo(2);
        aliveReplicas.remove(2);
        GroupState third = awaitMaster(2);
        assertThat(third.masterId()).isZero();
        assertThat(third.isr()).containsExactly(0);
    }

    @Test
    void withNoInSyncReplicaAliveNobodyIsElectedUntilAnUncleanElectionIsForced() throws Exception {
        ControllerNode any = nodes[1];
        for (int id = 0; id < 2; id++) {
            any.submit(new Command.RegisterReplica(G, new ReplicaInfo(id, "h:" + id, "h:" + id, "s" + id, 1, 0)));
        }
        aliveReplicas.put(0, 10L);
        GroupState first = awaitMaster(0);
        assertThat(first.masterId()).isZero();
        assertThat(first.isr()).containsExactly(0);
        aliveReplicas.put(1, 5L); // alive but never taken into the in-sync set
        aliveReplicas.remove(0);
        // give the leader several leases to (wrongly) elect replica 1, then check it did not
        await().pollDelay(Duration.ofMillis(4 * LEASE_MS)).atMost(WAIT).until(() -> true);
        assertThat(any.readState().group(G).masterEpoch()).isEqualTo(1);

        int leader = awaitLeader(-1);
        assertThat(nodes[leader].forceElect(G, -1, true).accepted()).isTrue();
        GroupState forced = any.readState().group(G);
        assertThat(forced.masterId()).isEqualTo(1);
        assertThat(forced.isr()).containsExactly(1);
    }

    private GroupState awaitMaster(int afterEpoch) {
        return await().atMost(WAIT).until(() -> {
            for (ControllerNode n : nodes) {
                if (n != null) {
                    GroupState g = n.localState().group(G);
                    if (g != null && g.hasMaster() && g.masterEpoch() > afterEpoch) {
                        return g;
                    }
                }
            }
            return null;
        }, Objects::nonNull);
    }

    private int awaitLeader(int not) {
        return await().atMost(WAIT).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (i != not && nodes[i] != null && nodes[i].isLeader()) {
                    return i;
                }
            }
            return null;
        }, Objects::nonNull);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
