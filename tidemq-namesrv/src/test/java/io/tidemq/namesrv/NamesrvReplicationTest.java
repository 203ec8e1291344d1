package io.tidemq.namesrv;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.namesrv.replication.NamesrvReplicator;
import io.tidemq.namesrv.replication.RegistryOp;
import io.tidemq.namesrv.replication.ReplicationStatus;
import io.tidemq.namesrv.route.RegistryState;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real NameServers replicating on loopback (in this JVM), driven by broker stubs over the real protocol:
 * what each mode promises when a registration is acknowledged, forwarding from a backup, promotion, chain repair and
 * catch-up from the ring or a snapshot. The multi-JVM version with kill -9 is NamesrvReplicationIT (tidemq-it).
 */
class NamesrvReplicationTest {

    private static final Duration AWAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final NettyRemotingClient admin = new NettyRemotingClient(NettyClientConfig.builder().build());
    private final String[] addrs = new String[3];
    private final NamesrvController[] nodes = new NamesrvController[3];
    private long brokerExpireMs = 60_000;

    @AfterEach
    void stopAll() throws Exception {
        admin.shutdown();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        for (NamesrvController n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    private void startCluster(ReplicationMode mode, int semiSyncAcks, int ringSize) throws IOException {
        admin.start();
        for (int i = 0; i < 3; i++) {
            addrs[i] = "127.0.0.1:" + freePort();
        }
        for (int i = 0; i < 3; i++) {
            start(i, mode, semiSyncAcks, ringSize);
        }
    }

    /**
     * The chain order as a controller stores it (a compare-and-set on its epoch, like the controller's
     * SetNamesrvChain command), shared by every node; null = the leadership stores no chain.
     */
    private java.util.concurrent.atomic.AtomicReference<io.tidemq.namesrv.replication.PrimaryLeadership.StoredChain>
            controllerChain;

    /** The controller leadership each node sees (the Ratis term its peer leads in, -1 = not leading); null = none. */
    private final java.util.concurrent.atomic.AtomicLong[] terms = new java.util.concurrent.atomic.AtomicLong[3];

    private NamesrvController start(int i, ReplicationMode mode, int semiSyncAcks, int ringSize) {
        NamesrvConfig c = NamesrvConfig.builder().bindAddress("127.0.0.1")
                .listenPort(Integer.parseInt(addrs[i].substring(addrs[i].indexOf(':') + 1)))
                .brokerExpireMs(brokerExpireMs).scanIntervalMs(100)
                .namesrvReplicationMode(mode).namesrvPrimary(addrs[0]).namesrvPeers(String.join(",", addrs))
                .namesrvSemiSyncAcks(semiSyncAcks).namesrvBackupLagMaxMs(1_000).namesrvOpRingSize(ringSize).build();
        java.util.concurrent.atomic.AtomicLong term = terms[i];
        io.tidemq.namesrv.replication.PrimaryLeadership leadership = term == null ? null
                : controllerChain == null ? term::get : new io.tidemq.namesrv.replication.PrimaryLeadership() {
                    @Override
                    public long leaderTerm() {
                        return term.get();
                    }

                    @Override
                    public StoredChain storedChain() {
                        return controllerChain.get();
                    }

                    @Override
                    public java.util.concurrent.CompletableFuture<Boolean> proposeChain(long expectedEpoch,
                            long newEpoch, List<String> chain) {
                        StoredChain now = controllerChain.get();
                        boolean ok = now.epoch() == expectedEpoch && newEpoch > expectedEpoch
                                && controllerChain.compareAndSet(now, new StoredChain(newEpoch, chain));
                        return java.util.concurrent.CompletableFuture.completedFuture(ok);
                    }
                };
        nodes[i] = leadership == null ? new NamesrvController(c) : new NamesrvController(c, leadership);
        nodes[i].start();
        return nodes[i];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private BrokerStub broker(int namesrv, String name, String addr) {
        BrokerStub b = new BrokerStub(addrs[namesrv], "c1", name, 0, addr);
        closeables.add(b);
        return b;
    }

    private ReplicationStatus status(int i) throws Exception {
        RemotingCommand r = admin.invokeSync(addrs[i], RemotingCommand.createRequest(RequestCode.NS_REPL_STATUS), 5_000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS.code());
        return Json.fromBytes(r.body(), ReplicationStatus.class);
    }

    private RegistryState state(int i) {
        return nodes[i].routeInfoManager().exportState().withoutLiveness();
    }

    private boolean hasBroker(int i, String addr) {
        return nodes[i].routeInfoManager().liveInfo(addr).isPresent();
    }

    private void awaitLinked(int primary, int backups) {
        await().atMost(AWAIT).until(() -> status(primary).downstream().stream().filter(d -> d.ackedSeq() >= 0)
                .count() == backups);
    }

    private RemotingCommand topology(int to, long epoch, String primary, String peers) throws Exception {
        return admin.invokeSync(addrs[to], RemotingCommand.createRequest(RequestCode.NS_REPL_TOPOLOGY)
                .putField("epoch", epoch).putField("primary", primary).putField("peers", peers), 5_000);
    }

    @Test
    void syncAcknowledgesARegistrationOnlyOnceEveryBackupOfTheSyncSetAppliedIt() throws Exception {
        startCluster(ReplicationMode.SYNC, 1, 100);
        await().atMost(AWAIT).until(() -> status(0).downstream().stream().allMatch(ReplicationStatus.Downstream::inSyncSet)
                && status(0).downstream().size() == 2);

        for (int b = 0; b < 20; b++) {
            String addr = "10.0.0." + (b + 1) + ":10911";
            assertThat(broker(0, "broker-" + b, addr).register(1, TopicConfig.of("t" + b, 4)).code())
                    .isEqualTo(ResponseCode.SUCCESS.code());
            // no waiting: acknowledged in SYNC means applied on every node of the sync set
            assertThat(hasBroker(1, addr)).as("backup 1 has %s at its ack", addr).isTrue();
            assertThat(hasBroker(2, addr)).as("backup 2 has %s at its ack", addr).isTrue();
        }
        assertThat(state(1)).isEqualTo(state(0));
        assertThat(state(2)).isEqualTo(state(0));
    }

    @Test
    void aBackupForwardsARegistrationToThePrimaryAndTheBrokerIsNotWatchedOnTheForwardingConnection() throws Exception {
        startCluster(ReplicationMode.SYNC, 1, 100);
        await().atMost(AWAIT).until(() -> status(0).downstream().stream().filter(ReplicationStatus.Downstream::inSyncSet)
                .count() == 2);

        BrokerStub viaBackup = broker(2, "broker-a", "10.0.0.1:10911");
        assertThat(viaBackup.register(1, TopicConfig.of("orders", 4)).code()).isEqualTo(ResponseCode.SUCCESS.code());

        assertThat(hasBroker(0, "10.0.0.1:10911")).isTrue();
        assertThat(hasBroker(1, "10.0.0.1:10911")).isTrue();
        assertThat(hasBroker(2, "10.0.0.1:10911")).isTrue();
        assertThat(nodes[0].routeInfoManager().liveInfo("10.0.0.1:10911").orElseThrow().channel()).isNull();
        assertThat(status(0).lastSeq()).isEqualTo(1);
    }

    @Test
    void chainAcknowledgesOnceTheTailAppliedAndEveryNodeHasTheSameOperationOrder() throws Exception {
        startCluster(ReplicationMode.CHAIN, 1, 1_000);
        awaitLinked(0, 1);
        awaitLinked(1, 1);

        for (int b = 0; b < 30; b++) {
            String addr = "10.0.1." + (b + 1) + ":10911";
            assertThat(broker(b % 3, "broker-" + b, addr).register(1, TopicConfig.of("t", 4)).code())
                    .isEqualTo(ResponseCode.SUCCESS.code());
            assertThat(hasBroker(2, addr)).as("the tail has %s at its ack", addr).isTrue();
        }
        List<RegistryOp> head = nodes[0].replicator().log().ops();
        assertThat(head).hasSize(30);
        assertThat(nodes[1].replicator().log().ops()).isEqualTo(head);
        assertThat(nodes[2].replicator().log().ops()).isEqualTo(head);
        assertThat(state(2)).isEqualTo(state(0));
    }

    @Test
    void chainWithADeadMiddleNodeTimesOutInsteadOfDroppingAndRepairResendsWhatTheTailLacks() throws Exception {
        startCluster(ReplicationMode.CHAIN, 1, 1_000);
        awaitLinked(0, 1);
        awaitLinked(1, 1);
        assertThat(broker(0, "broker-0", "10.0.2.1:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());

        nodes[1].close();
        RemotingCommand lost = broker(0, "broker-1", "10.0.2.2:10911").register(1);
        assertThat(lost.code()).as("a dead middle node must not let the head acknowledge")
                .isEqualTo(ResponseCode.NAMESRV_ACK_TIMEOUT.code());
        assertThat(hasBroker(2, "10.0.2.2:10911")).isFalse();

        // repair: the middle node leaves the chain (what tidemq admin namesrv promote --peers does)
        String peers = addrs[0] + "," + addrs[2];
        assertThat(topology(0, 2, addrs[0], peers).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(topology(2, 2, addrs[0], peers).code()).isEqualTo(ResponseCode.SUCCESS.code());
        await().atMost(AWAIT).until(() -> hasBroker(2, "10.0.2.2:10911"));
        assertThat(broker(0, "broker-2", "10.0.2.3:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.2.3:10911")).isTrue();
        assertThat(nodes[2].replicator().log().ops()).isEqualTo(nodes[0].replicator().log().ops());
    }

    @Test
    void semiSyncWithTooFewLiveBackupsAnswersATimeoutInsteadOfWaitingForever() throws Exception {
        startCluster(ReplicationMode.SEMI_SYNC, 2, 100);
        awaitLinked(0, 2);
        assertThat(broker(0, "broker-0", "10.0.3.1:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(1, "10.0.3.1:10911") && hasBroker(2, "10.0.3.1:10911")).isTrue();

        nodes[2].close();
        RemotingCommand r = broker(0, "broker-1", "10.0.3.2:10911").register(1);

        assertThat(r.code()).isEqualTo(ResponseCode.NAMESRV_ACK_TIMEOUT.code());
        assertThat(r.remark()).contains("not acknowledged as SEMI_SYNC");
        assertThat(status(0).ackTimeouts()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = ReplicationMode.class, names = {"ASYNC", "SYNC", "SEMI_SYNC", "CHAIN"})
    void aPromotedBackupHasEveryAcknowledgedRegistrationAndEvictsNoBrokerForThePromotion(ReplicationMode mode)
            throws Exception {
        brokerExpireMs = 3_000;
        startCluster(mode, 1, 100);
        awaitLinked(0, mode == ReplicationMode.CHAIN ? 1 : 2);
        List<String> acked = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            String addr = "10.0.4." + (b + 1) + ":10911";
            if (broker(0, "broker-" + b, addr).register(1, TopicConfig.of("t", 4)).code() == ResponseCode.SUCCESS.code()) {
                acked.add(addr);
            }
        }
        assertThat(acked).hasSize(10);
        // the mode's promise for the node about to be promoted; ASYNC promises nothing, so let it catch up
        await().atMost(AWAIT).until(() -> status(2).lastSeq() == 10);
        nodes[0].close();
        // heartbeats are not replicated: on the backup every broker now looks silent for longer than brokerExpireMs
        await().atMost(AWAIT).until(() -> nodes[2].routeInfoManager().liveBrokers().stream()
                .allMatch(i -> i.silentMs(System.currentTimeMillis()) > brokerExpireMs));

        String peers = addrs[2] + "," + addrs[1];
        assertThat(topology(2, 2, addrs[2], peers).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(topology(1, 2, addrs[2], peers).code()).isEqualTo(ResponseCode.SUCCESS.code());

        await().atMost(AWAIT).until(() -> nodes[2].replicator().evicts());
        nodes[2].livenessScanner().scanNow().get();
        for (String addr : acked) {
            assertThat(hasBroker(2, addr)).as("%s on the new primary", addr).isTrue();
        }
        assertThat(nodes[2].metrics().evictions(io.tidemq.namesrv.membership.EvictionReason.EXPIRED)).isZero();
        assertThat(broker(1, "broker-new", "10.0.4.99:10911").register(1).code())
                .as("the old backup forwards to the new primary").isEqualTo(ResponseCode.SUCCESS.code());
        await().atMost(AWAIT).until(() -> hasBroker(1, "10.0.4.99:10911"));
        assertThat(status(2).role()).isEqualTo("PRIMARY");
        assertThat(status(2).epoch()).isEqualTo(2);
    }

    @Test
    void underTheControllerTheNameServerBesideTheLeaderIsPrimaryWithTheLeadersTermAsEpoch() throws Exception {
        for (int i = 0; i < 3; i++) {
            terms[i] = new java.util.concurrent.atomic.AtomicLong(-1);
        }
        startCluster(ReplicationMode.SYNC, 1, 100);
        assertThat(status(0).role()).as("namesrvPrimary is ignored under the controller").isEqualTo("BACKUP");
        assertThat(broker(1, "broker-0", "10.0.6.1:10911").register(1).code())
                .as("no primary yet").isEqualTo(ResponseCode.NOT_PRIMARY.code());

        terms[1].set(3);
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(1).role()) && status(1).downstream().stream()
                .filter(ReplicationStatus.Downstream::inSyncSet).count() == 2);
        assertThat(status(0).primary()).isEqualTo(addrs[1]);
        assertThat(status(0).epoch()).isEqualTo(3 * NamesrvReplicator.EPOCHS_PER_TERM);
        assertThat(broker(0, "broker-1", "10.0.6.2:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.6.2:10911")).isTrue();

        // leadership moves in a higher term: node 2 takes over, node 1 steps down on its hello
        terms[1].set(-1);
        terms[2].set(4);
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(2).role()) && "BACKUP".equals(status(1).role())
                && status(2).downstream().stream().filter(ReplicationStatus.Downstream::inSyncSet).count() == 2);
        assertThat(status(2).epoch()).isEqualTo(4 * NamesrvReplicator.EPOCHS_PER_TERM);
        assertThat(hasBroker(2, "10.0.6.2:10911")).isTrue();
        assertThat(broker(1, "broker-2", "10.0.6.3:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(0, "10.0.6.3:10911") && hasBroker(1, "10.0.6.3:10911")).isTrue();
    }

    /**
     * The Ratis election ignores how far each NameServer got: here the NameServer beside the new leader came back
     * empty after the primary acknowledged SEMI_SYNC(1) registrations that only the third node holds. Before it
     * takes the primary role it pulls them from that node, from its ring (100) or as a snapshot (ring of 5 < 10
     * operations); without that it became primary empty, and its snapshot then emptied the third node too.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {100, 5})
    void underTheControllerANewPrimaryFirstPullsTheAcknowledgedRegistrationsOnlyABackupHolds(int ringSize)
            throws Exception {
        for (int i = 0; i < 3; i++) {
            terms[i] = new java.util.concurrent.atomic.AtomicLong(i == 0 ? 1 : -1);
        }
        startCluster(ReplicationMode.SEMI_SYNC, 1, ringSize);
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(0).role()) && status(0).downstream().stream()
                .filter(d -> d.ackedSeq() >= 0).count() == 2);
        nodes[1].close(); // from now on node 2 alone acknowledges
        List<String> acked = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            String addr = "10.0.8." + (b + 1) + ":10911";
            assertThat(broker(0, "broker-" + b, addr).register(1, TopicConfig.of("t", 4)).code())
                    .isEqualTo(ResponseCode.SUCCESS.code());
            acked.add(addr);
        }
        nodes[0].close();
        terms[0].set(-1);

        terms[1].set(2); // node 1's controller peer wins the next election
        start(1, ReplicationMode.SEMI_SYNC, 1, ringSize);
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(1).role()));
        for (String addr : acked) {
            assertThat(hasBroker(1, addr)).as("%s, acknowledged by the old primary, on the new one", addr).isTrue();
        }
        assertThat(status(1).lastSeq()).isEqualTo(10);
        assertThat(status(1).snapshotsInstalled()).isEqualTo(ringSize < 10 ? 1 : 0);
        await().atMost(AWAIT).until(() -> status(1).downstream().stream().anyMatch(d -> d.ackedSeq() == 10));
        assertThat(state(2)).as("the backup keeps them").isEqualTo(state(1));
        assertThat(broker(2, "broker-new", "10.0.8.99:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(1, "10.0.8.99:10911")).isTrue();
    }

    /**
     * With the chain order stored by the controller: the head takes its role, and later repairs the chain, only
     * through a committed compare-and-set there, and every node follows the stored order (one that the head never
     * told them too: a stored chain that a dying head committed).
     */
    @Test
    void underTheControllerTheChainOrderIsTheControllersAndEveryRepairIsCommittedThereFirst() throws Exception {
        controllerChain = new java.util.concurrent.atomic.AtomicReference<>(
                new io.tidemq.namesrv.replication.PrimaryLeadership.StoredChain(0, List.of()));
        for (int i = 0; i < 3; i++) {
            terms[i] = new java.util.concurrent.atomic.AtomicLong(i == 0 ? 1 : -1);
        }
        startCluster(ReplicationMode.CHAIN, 1, 1_000);
        long term1 = NamesrvReplicator.EPOCHS_PER_TERM;
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(0).role()) && status(2).epoch() == term1);
        assertThat(controllerChain.get().chain()).containsExactly(addrs[0], addrs[1], addrs[2]);
        assertThat(controllerChain.get().epoch()).isEqualTo(term1);
        assertThat(status(2).chain()).isEqualTo(controllerChain.get().chain());

        nodes[1].close();
        await().atMost(AWAIT).until(() -> controllerChain.get().chain().equals(List.of(addrs[0], addrs[2]))
                && status(0).chain().equals(List.of(addrs[0], addrs[2])));
        assertThat(status(0).epoch()).isEqualTo(controllerChain.get().epoch()).isEqualTo(term1 + 1);
        assertThat(broker(0, "broker-0", "10.0.9.1:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.9.1:10911")).as("the new tail has it at the ack").isTrue();

        start(1, ReplicationMode.CHAIN, 1, 1_000);
        await().atMost(AWAIT).until(() -> controllerChain.get().chain().equals(List.of(addrs[0], addrs[2], addrs[1]))
                && nodes[1].replicator().log().lastSeq() == nodes[0].replicator().log().lastSeq());
        assertThat(status(1).epoch()).isEqualTo(term1 + 2);

        // a chain committed in the controller that no handshake told (its proposer died at once): every node,
        // the head included, follows it
        List<String> stored = List.of(addrs[0], addrs[1], addrs[2]);
        controllerChain.set(new io.tidemq.namesrv.replication.PrimaryLeadership.StoredChain(term1 + 5, stored));
        await().atMost(AWAIT).until(() -> status(0).epoch() == term1 + 5 && status(1).epoch() == term1 + 5
                && status(2).epoch() == term1 + 5 && status(2).chain().equals(stored));
        await().atMost(AWAIT).until(() -> status(0).downstream().stream().allMatch(d -> d.ackedSeq() >= 0
                && d.addr().equals(addrs[1])));
        assertThat(broker(0, "broker-1", "10.0.9.2:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.9.2:10911")).as("the tail of the stored order has it at the ack").isTrue();
    }

    @Test
    void underTheControllerTheChainHeadRemovesADeadMiddleNodeAndAddsItBackAtTheTailOnceItAnswers() throws Exception {
        for (int i = 0; i < 3; i++) {
            terms[i] = new java.util.concurrent.atomic.AtomicLong(i == 0 ? 1 : -1);
        }
        startCluster(ReplicationMode.CHAIN, 1, 1_000);
        await().atMost(AWAIT).until(() -> "PRIMARY".equals(status(0).role()) && status(0).downstream().stream()
                .anyMatch(d -> d.ackedSeq() >= 0) && status(1).downstream().stream().anyMatch(d -> d.ackedSeq() >= 0));
        assertThat(status(0).chain()).containsExactly(addrs[0], addrs[1], addrs[2]);
        assertThat(broker(0, "broker-0", "10.0.7.1:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.7.1:10911")).isTrue();

        nodes[1].close();
        await().atMost(AWAIT).until(() -> status(0).chain().equals(List.of(addrs[0], addrs[2])));
        assertThat(broker(0, "broker-1", "10.0.7.2:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(2, "10.0.7.2:10911")).as("the new tail has it at the ack").isTrue();

        start(1, ReplicationMode.CHAIN, 1, 1_000);
        await().atMost(AWAIT).until(() -> status(0).chain().equals(List.of(addrs[0], addrs[2], addrs[1]))
                && nodes[1].replicator().log().lastSeq() == nodes[0].replicator().log().lastSeq());
        assertThat(broker(0, "broker-2", "10.0.7.3:10911").register(1).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(hasBroker(1, "10.0.7.3:10911")).as("the rejoined tail has it at the ack").isTrue();
        assertThat(state(1)).isEqualTo(state(0));
        assertThat(status(2).epoch()).isEqualTo(NamesrvReplicator.EPOCHS_PER_TERM + 2);
    }

    /**
     * A backup restarted (empty) at its old address before the primary noticed gets the primary's next keep-alive: an
     * empty append after the operations the primary believes it holds. Acknowledging it made the primary count the
     * restarted backup as caught up, and it never received the first operations (the CI failure of the test below).
     */
    @Test
    void anEmptyAppendAfterOperationsTheBackupDoesNotHoldIsAGapNotAnAcknowledgement() throws Exception {
        startCluster(ReplicationMode.ASYNC, 1, 5);
        awaitLinked(0, 2);
        long held = status(1).lastSeq();
        RemotingCommand r = admin.invokeSync(addrs[1], RemotingCommand.createRequest(RequestCode.NS_REPL_APPEND)
                .putField("epoch", status(0).epoch()).putField("prevSeq", held + 3)
                .setBody(Json.toBytes(List.of())), 5_000);
        assertThat(r.code()).as(r.remark()).isEqualTo(ResponseCode.NAMESRV_REPLICATION_GAP.code());
        assertThat(r.fieldAsLong("lastSeq")).isEqualTo(held);
    }

    @Test
    void aRestartedBackupCatchesUpFromTheRingOrFromASnapshotWhenTheRingMovedOn() throws Exception {
        startCluster(ReplicationMode.ASYNC, 1, 5);
        awaitLinked(0, 2);
        for (int b = 0; b < 3; b++) {
            broker(0, "broker-" + b, "10.0.5." + (b + 1) + ":10911").register(1);
        }
        nodes[1].close();
        start(1, ReplicationMode.ASYNC, 1, 5);
        await().atMost(AWAIT).until(() -> state(1).equals(state(0)));
        assertThat(status(1).snapshotsInstalled()).as("3 operations fit the ring of 5").isZero();

        nodes[2].close();
        for (int b = 3; b < 12; b++) {
            broker(0, "broker-" + b, "10.0.5." + (b + 1) + ":10911").register(1);
        }
        broker(0, "broker-0", "10.0.5.1:10911").unregister();
        start(2, ReplicationMode.ASYNC, 1, 5);
        await().atMost(AWAIT).until(() -> state(2).equals(state(0)));
        assertThat(status(2).snapshotsInstalled()).as("13 operations do not fit the ring of 5").isEqualTo(1);
        assertThat(status(2).lastSeq()).isEqualTo(status(0).lastSeq());
        assertThat(hasBroker(2, "10.0.5.1:10911")).isFalse();
    }
}
