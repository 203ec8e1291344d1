package io.tidemq.controller.ratis;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import io.tidemq.controller.state.NamesrvChain;
import io.tidemq.controller.state.Outcome;
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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Three controller peers in this JVM on loopback ports chosen at run time (design I10). */
class ControllerQuorumTest {
    private static final String G = "broker-a";
    private static final Duration ELECTION_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ControllerRaftServer[] servers = new ControllerRaftServer[3];
    private final ConcurrentMap<String, Long> leaderReadyTerms = new ConcurrentHashMap<>();
    private List<ControllerPeer> peers;
    private ControllerRaftClient client;

    @BeforeEach
    void startQuorum() {
        List<ControllerPeer> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(new ControllerPeer("c" + i, "127.0.0.1", freePort()));
        }
        peers = List.copyOf(list);
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        client = new ControllerRaftClient(peers, 100, 200);
    }

    @AfterEach
    void stopQuorum() throws IOException {
        if (client != null) {
            client.close();
        }
        for (ControllerRaftServer s : servers) {
            if (s != null) {
                s.close();
            }
        }
        assertThat(ExitUtils.isTerminated()).as("Ratis never asked to exit the JVM").isFalse();
    }

    private void start(int i) {
        String id = "c" + i;
        servers[i] = ControllerRaftServer.start(new ControllerRaftConfig(id, peers, dir.resolve(id), 1000, 2000, 16, 2048),
                new LeadershipListener() {
                    @Override
                    public void onLeaderReady(long term) {
                        leaderReadyTerms.put(id, term);
                    }

                    @Override
                    public void onNotLeader() {
                        leaderReadyTerms.remove(id);
                    }
                });
    }

    @Test
    void stateSurvivesARestartOfAllThreePeersFromSnapshotAndLog() throws Exception {
        registerThreeReplicas();
        int elections = 40; // > 2 snapshots' worth (one every 16 entries), so the log is purged below a snapshot
        for (int e = 0; e < elections; e++) {
            assertThat(elect(e).accepted()).isTrue();
        }
        ControllerState before = client.readAll();
        assertThat(before.group(G).masterEpoch()).isEqualTo(elections);
        restartAllAfterASnapshotPurgedTheLog();


        assertThat(client.readAll()).isEqualTo(before);
        await().atMost(ELECTION_WAIT).untilAsserted(() -> {
            for (ControllerRaftServer s : servers) {
                assertThat(s.stateMachine().state()).isEqualTo(before);
            }
        });
        assertThat(elect(elections).accepted()).as("the restarted quorum keeps deciding").isTrue();
    }

    @Test
    void killingTheLeaderElectsAnotherAndLosesNoCommittedCommand() throws Exception {
        registerThreeReplicas();
        int committed = 10;
        for (int e = 0; e < committed; e++) {
            assertThat(elect(e).accepted()).isTrue();
        }
        int leader = awaitLeader(-1);
        assertThat(leaderReadyTerms).containsOnlyKeys("c" + leader);
        servers[leader].close();
        servers[leader] = null;

        int next = awaitLeader(leader);
        assertThat(next).isNotEqualTo(leader);
        assertThat(client.readAll().group(G).masterEpoch()).as("every command committed before the kill")
                .isEqualTo(committed);
        for (int e = committed; e < 2 * committed; e++) {
            assertThat(elect(e).accepted()).isTrue();
        }
        await().atMost(ELECTION_WAIT).until(() -> leaderReadyTerms.containsKey("c" + next));

        start(leader);
        ControllerState expected = client.readAll();
        assertThat(expected.group(G).masterEpoch()).isEqualTo(2 * committed);
        await().atMost(ELECTION_WAIT).untilAsserted(() ->
                assertThat(servers[leader].stateMachine().state()).as("the old leader caught up")
                        .isEqualTo(expected));
    }

    @Test
    void aStaleProposalIsRejectedByTheQuorumWithTheCurrentState() throws Exception {
        registerThreeReplicas();
        assertThat(elect(0).accepted()).isTrue();
        Reply stale = client.submit(new Command.ElectMaster(G, 0, 2, true));
        assertThat(stale.accepted()).isFalse();
        GroupState g = stale.group();
        assertThat(g.masterEpoch()).isEqualTo(1);
        assertThat(g.masterId()).isZero();
    }

    /**
     * The NameServer chain order (issue 13) is controller state: a compare-and-set on its epoch, rejected when built
     * from a stale chain, and kept through snapshots and a restart of every peer, like the groups.
     */
    @Test
    void theNameServerChainIsACompareAndSetOnItsEpochAndSurvivesARestartFromSnapshots() throws Exception {
        List<String> chain = List.of("127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003");
        Reply first = client.submit(new Command.SetNamesrvChain(0, 1_000_000, chain));
        assertThat(first.accepted()).as(first.detail()).isTrue();
        Reply stale = client.submit(new Command.SetNamesrvChain(0, 2_000_000, List.of("127.0.0.1:9002")));
        assertThat(stale.outcome()).isEqualTo(Outcome.FENCED_CHAIN_EPOCH);
        assertThat(stale.detail()).contains("epoch 1000000");
        Reply notAbove = client.submit(new Command.SetNamesrvChain(1_000_000, 1_000_000, chain));
        assertThat(notAbove.outcome()).isEqualTo(Outcome.INVALID);
        Reply duplicate = client.submit(new Command.SetNamesrvChain(1_000_000, 1_000_001,
                List.of("127.0.0.1:9001", "127.0.0.1:9001")));
        assertThat(duplicate.outcome()).isEqualTo(Outcome.INVALID);
        assertThat(client.readAll().namesrvChain()).isEqualTo(new NamesrvChain(1_000_000, chain));

        // repairs alternate the middle node out and back, past two snapshots (one every 16 entries)
        long epoch = 1_000_000;
        for (int r = 0; r < 40; r++) {
            List<String> next = r % 2 == 0 ? List.of(chain.get(0), chain.get(2)) : List.of(chain.get(0), chain.get(2),
                    chain.get(1));
            assertThat(client.submit(new Command.SetNamesrvChain(epoch, epoch + 1, next)).accepted()).isTrue();
            epoch++;
        }
        ControllerState before = client.readAll();
        assertThat(before.namesrvChain().epoch()).isEqualTo(1_000_040);
        assertThat(before.namesrvChain().chain()).containsExactly(chain.get(0), chain.get(2), chain.get(1));
        restartAllAfterASnapshotPurgedTheLog();
        assertThat(client.readAll()).isEqualTo(before);
        await().atMost(ELECTION_WAIT).untilAsserted(() -> {
            for (ControllerRaftServer s : servers) {
                assertThat(s.stateMachine().state().namesrvChain()).isEqualTo(before.namesrvChain());
            }
        });
    }

    private void registerThreeReplicas() throws ControllerUnavailableException {
        for (int id = 0; id < 3; id++) {
            Reply r = client.submit(new Command.RegisterReplica(G,
                    new ReplicaInfo(id, "127.0.0.1:" + (20000 + id), "127.0.0.1:" + (21000 + id), "store-" + id, 1, 0)));
            assertThat(r.accepted()).isTrue();
        }
    }

    /** Unclean election of replica {@code e % 3} in epoch e + 1: each accepted one adds exactly 1 to the epoch. */
    private Reply elect(int e) throws ControllerUnavailableException {
        return client.submit(new Command.ElectMaster(G, e, e % 3, true));
    }

    private int awaitLeader(int not) {
        return await().atMost(ELECTION_WAIT).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (i != not && servers[i] != null && servers[i].isLeader()) {
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

    @SuppressWarnings("unused")
    private static String describe(ControllerRaftServer[] all) {
        return Arrays.toString(all);
    }

    /** Waits until every peer took a snapshot and purged its log below it, then stops all three and starts them again. */
    private void restartAllAfterASnapshotPurgedTheLog() throws Exception {
        await().atMost(ELECTION_WAIT).untilAsserted(() -> {
            for (ControllerRaftServer s : servers) {
                assertThat(s.latestSnapshotIndex()).isGreaterThan(0);
                assertThat(s.logStartIndex()).as("log purged up to a snapshot").isGreaterThan(0);
            }
        });
        for (int i = 0; i < 3; i++) {
            servers[i].close();
            servers[i] = null;
        }
        for (int i = 0; i < 3; i++) {
            start(i);
        }
    }
}
