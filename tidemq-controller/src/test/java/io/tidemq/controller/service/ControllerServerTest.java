package io.tidemq.controller.service;

import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.Outcome;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.controller.codec.ControllerCodec;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three controller peers reached over the TideMQ protocol, as brokers and the admin tool reach them. */
class ControllerServerTest {
    private static final String G = "broker-a";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ControllerServer> servers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private ControllerServiceClient client;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() {
        int[] raftPorts = {freePort(), freePort(), freePort()};
        String peers = "c0@127.0.0.1:" + raftPorts[0] + ",c1@127.0.0.1:" + raftPorts[1] + ",c2@127.0.0.1:" + raftPorts[2];
        for (int i = 0; i < 3; i++) {
            ControllerServer s = ControllerServer.start(ControllerConfig.builder().controllerId("c" + i)
                    .controllerPeers(peers).controllerListenPort(0).bindAddress("127.0.0.1")
                    .controllerStorePath(dir.toString()).masterLeaseMs(1000).controllerScanIntervalMs(100).build());
            servers.add(s);
            addresses.add("127.0.0.1:" + s.listenPort());
        }
        client = new ControllerServiceClient(10_000);
    }

    @AfterEach
    void stop() {
        heartbeats.shutdownNow();
        client.close();
        servers.forEach(ControllerServer::close);
    }

    @Test
    void brokersRegisterAndHeartbeatEveryPeerAndTheLeaderElectsAMasterTheAdminCanSee() throws Exception {
        for (int id = 0; id < 2; id++) {
            Reply r = client.register(addresses.get(id), new Command.RegisterReplica(G,
                    new ReplicaInfo(id, "127.0.0.1:" + (10911 + id), "127.0.0.1:" + (10912 + id), "s" + id, 1, 0)));
            assertThat(r.accepted()).isTrue();
        }
        heartbeats.scheduleWithFixedDelay(() -> {
            for (String address : addresses) {
                for (int id = 0; id < 2; id++) {
                    try {
                        client.heartbeat(address, G, id, 1, 0, id == 0 ? 500 : 100);
                    } catch (Exception e) {
                        // a peer may be busy electing; the next round reaches it
                    }
                }
            }
        }, 0, 200, TimeUnit.MILLISECONDS);

        ControllerServiceClient.StateView view = await().atMost(WAIT).until(() -> client.state(addresses.get(2)),
                v -> v.state().group(G) != null && v.state().group(G).hasMaster());
        GroupState g = view.state().group(G);
        assertThat(g.masterId()).as("the longer log").isZero();
        assertThat(view.peers().split(",")).hasSize(3);
        assertThat(view.leaderId()).isIn("c0", "c1", "c2");

        Reply hb = client.heartbeat(addresses.get(1), G, 1, 1, 0, 100);
        await().atMost(WAIT).until(() -> client.heartbeat(addresses.get(1), G, 1, 1, 0, 100).group(),
                group -> group != null && group.masterId() == 0);
        assertThat(hb.outcome()).isEqualTo(Outcome.ACCEPTED);

        assertThatThrownBy(() -> client.elect(addresses.get(0), G, -1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--unclean");
        Reply refused = client.elect(addresses.get(0), G, 1, false);
        assertThat(refused.outcome()).isEqualTo(Outcome.CANDIDATE_NOT_IN_SYNC);
        Reply forced = client.elect(addresses.get(0), G, 1, true);
        assertThat(forced.accepted()).isTrue();
        assertThat(forced.group().masterId()).isEqualTo(1);
        assertThat(forced.group().masterEpoch()).isEqualTo(2);
    }

    @Test
    void aMalformedOrMislabelledCommandIsRefusedWithoutReachingTheLog() throws Exception {
        NettyRemotingClient raw = new NettyRemotingClient(NettyClientConfig.defaults());
        raw.start();
        try {
            RemotingCommand garbage = raw.invokeSync(addresses.get(0), RemotingCommand.createRequest(
                    RequestCode.CONTROLLER_REGISTER).setBody(new byte[] {1, 2, 3}), 10_000);
            assertThat(garbage.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
            RemotingCommand mislabelled = raw.invokeSync(addresses.get(0), RemotingCommand.createRequest(
                    RequestCode.CONTROLLER_REGISTER).setBody(ControllerCodec.encodeCommand(
                    new Command.ElectMaster(G, 0, 0, true))), 10_000);
            assertThat(mislabelled.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
            assertThat(mislabelled.remark()).contains("RegisterReplica");
        } finally {
            raw.shutdown();
        }
        Reply unknown = client.alterIsr(addresses.get(0), new Command.AlterIsr("nope", 0, 0, 0,
                new java.util.TreeSet<>(List.of(0))));
        assertThat(unknown.outcome()).isEqualTo(Outcome.UNKNOWN_GROUP);
        assertThat(client.state(addresses.get(1)).state().groups()).as("nothing reached the log").isEmpty();
    }

    @Test
    void aLeaderThatNoMajorityConfirmsAnymoreRenewsNoMastersLease() throws Exception {
        Reply r = client.register(addresses.get(0), new Command.RegisterReplica(G,
                new ReplicaInfo(0, "127.0.0.1:10911", "127.0.0.1:10912", "s0", 1, 0)));
        assertThat(r.accepted()).isTrue();
        int leader = await().atMost(WAIT).until(() -> {
            for (int i = 0; i < servers.size(); i++) {
                if (servers.get(i).node().isLeader()) {
                    return i;
                }
            }
            return -1;
        }, i -> i >= 0);
        ControllerServiceClient.HeartbeatAnswer confirmed = await().atMost(WAIT).until(() ->
                client.heartbeatAnswer(addresses.get(leader), G, 0, 1, 0, 100), a -> a.leaseTerm() >= 0);
        assertThat(confirmed.fromLeader()).isTrue();
        assertThat(confirmed.leaseTerm()).isEqualTo(servers.get(leader).node().currentTerm());
        assertThat(confirmed.leaseAgeMs()).as("the confirmation's age: at most 2 probes of a fifth of the 1 s lease")
                .isBetween(0L, 400L);
        assertThat(client.heartbeatAnswer(addresses.get((leader + 1) % 3), G, 0, 1, 0, 100).leaseTerm())
                .as("a follower confirms no lease").isEqualTo(-1);

        // the two followers go: the leader is deposed in all but its own belief (a majority would elect another)
        servers.get((leader + 1) % 3).close();
        servers.get((leader + 2) % 3).close();
        // past the 40 % of a lease (400 ms) for which a confirmation made before the cut still counts
        ControllerServiceClient.HeartbeatAnswer deposed = await().pollDelay(Duration.ofMillis(500)).atMost(WAIT)
                .until(() -> client.heartbeatAnswer(addresses.get(leader), G, 0, 1, 0, 100), a -> true);
        assertThat(servers.get(leader).node().isLeader()).as("Ratis has not stepped the lone leader down yet").isTrue();
        assertThat(deposed.fromLeader()).as("it still names itself leader").isTrue();
        assertThat(deposed.leaseTerm()).as("but no majority confirms it, so the answer renews no lease").isEqualTo(-1);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
