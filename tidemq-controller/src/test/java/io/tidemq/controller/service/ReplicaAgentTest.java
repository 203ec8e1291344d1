package io.tidemq.controller.service;

import io.tidemq.controller.client.ReplicaAgent;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
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
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker side of the controller: two replica agents against three peers; the master's agent stops. */
class ReplicaAgentTest {
    private static final String G = "broker-a";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ControllerServer> servers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<ReplicaAgent> agents = new ArrayList<>();

    @BeforeEach
    void start() {
        int[] raftPorts = {freePort(), freePort(), freePort()};
        String peers = "c0@127.0.0.1:" + raftPorts[0] + ",c1@127.0.0.1:" + raftPorts[1] + ",c2@127.0.0.1:"
                + raftPorts[2];
        for (int i = 0; i < 3; i++) {
            ControllerServer s = ControllerServer.start(ControllerConfig.builder().controllerId("c" + i)
                    .controllerPeers(peers).controllerListenPort(0).bindAddress("127.0.0.1")
                    .controllerStorePath(dir.toString()).masterLeaseMs(1000).controllerScanIntervalMs(100).build());
            servers.add(s);
            addresses.add("127.0.0.1:" + s.listenPort());
        }
    }

    @AfterEach
    void stop() {
        agents.forEach(ReplicaAgent::close);
        servers.forEach(ControllerServer::close);
    }

    private ReplicaAgent agent(int id, long maxOffset, List<GroupState> heard) {
        ReplicaAgent a = new ReplicaAgent(addresses, G, new ReplicaInfo(id, "127.0.0.1:" + (10911 + id),
                "127.0.0.1:" + (10912 + id), "store-" + id, 1, 0), () -> 1, () -> maxOffset, 200, heard::add);
        agents.add(a);
        a.start();
        return a;
    }

    @Test
    void agentsRegisterHeartbeatEveryPeerAndLearnEachNewMaster() throws Exception {
        List<GroupState> heardBy0 = new CopyOnWriteArrayList<>();
        List<GroupState> heardBy1 = new CopyOnWriteArrayList<>();
        ReplicaAgent a0 = agent(0, 500, heardBy0);
        ReplicaAgent a1 = agent(1, 400, heardBy1);

        GroupState first = await().atMost(WAIT).until(a1::latest, g -> g != null && g.hasMaster());
        assertThat(first.masterId()).as("the longer log").isZero();
        await().atMost(WAIT).until(() -> a0.latest() != null && a0.latest().masterEpoch() == first.masterEpoch());

        // the master takes replica 1 into its in-sync set, through the controller
        GroupState g = a0.latest();
        assertThat(a0.alterIsr(new Command.AlterIsr(G, 0, g.masterEpoch(), g.isrEpoch(),
                new TreeSet<>(List.of(0, 1)))).accepted()).isTrue();
        await().atMost(WAIT).until(() -> a1.latest().isr().contains(1));

        a0.close(); // the master's process is gone: no more heartbeats
        GroupState second = await().atMost(WAIT).until(a1::latest, s -> s.masterEpoch() > first.masterEpoch());
        assertThat(second.masterId()).isEqualTo(1);
        assertThat(heardBy1).extracting(GroupState::masterEpoch).as("epochs only grow").isSorted();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
