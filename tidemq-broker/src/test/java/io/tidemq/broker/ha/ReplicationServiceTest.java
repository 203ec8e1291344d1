package io.tidemq.broker.ha;

import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyIoThreads;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A master and slaves in one JVM, each with its own store, replicating over loopback on ports chosen at run time. */
class ReplicationServiceTest {

    private static final int FILE_BYTES = 64 * 1024;
    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private DefaultMessageStore store(String name) {
        DefaultMessageStore store = unstartedStore(name);
        store.start();
        return store;
    }

    private DefaultMessageStore unstartedStore(String name) {
        DefaultMessageStore store = new DefaultMessageStore(StoreConfig.builder(dir.resolve(name))
                .commitLogFileBytes(FILE_BYTES).maxMessageBytes(16 * 1024).consumeQueueEntriesPerFile(64)
                .flushIntervalMs(10).flushConsumeQueueIntervalMs(20).indexHashSlots(64).indexMaxEntriesPerFile(512)
                .warmMappedFiles(false).build());
        open.add(store);
        return store;
    }

    /** A broker's start order: the persisted commit point is read before the store recovers. */
    private ReplicationService restart(HaConfig config, int replicaId, DefaultMessageStore unstarted) {
        ReplicationService service = new ReplicationService("broker-a", replicaId, config, "127.0.0.1", unstarted);
        open.add(service);
        service.prepareStore();
        unstarted.start();
        service.start();
        return service;
    }

    private static long visible(DefaultMessageStore store) {
        long n = 0;
        for (int q = 0; q < 3; q++) {
            n += store.maxQueueOffset("orders", q);
        }
        return n;
    }

    private ReplicationService service(HaConfig config, int replicaId, DefaultMessageStore store) {
        ReplicationService service = new ReplicationService("broker-a", replicaId, config, "127.0.0.1", store);
        service.start();
        open.add(service);
        return service;
    }

    private static HaConfig masterConfig(ReplicationMode mode, int minInSync) {
        return HaConfig.disabled().withRole(BrokerRole.MASTER, 0, null).withSync(mode, minInSync, 500, 5_000);
    }

    private static HaConfig slaveConfig(ReplicationService master) {
        return HaConfig.disabled().withRole(BrokerRole.SLAVE, HaConfig.DISABLED_PORT, "127.0.0.1:" + master.haPort())
                .withSync(ReplicationMode.ASYNC, 1, 500, 5_000);
    }

    private static MessageRecord message(String topic, int queueId, String body) {
        return MessageRecord.builder(topic, queueId).body(body.getBytes(StandardCharsets.UTF_8)).storeHost(HOST)
                .bornHost(HOST).keys("k-" + body.length()).build();
    }

    private static CompletableFuture<PutResult> put(ReplicationService gate, DefaultMessageStore store, String body) {
        return gate.put(() -> store.putMessage(message("orders", body.length() % 3, body)));
    }

    @Test
    void asyncSlavesEndWithByteEqualLogsAndTheirOwnQueues() throws IOException {
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = service(masterConfig(ReplicationMode.ASYNC, 1), 0, masterStore);
        DefaultMessageStore slaveStore = store("slave1");
        service(slaveConfig(master), 1, slaveStore);
        DefaultMessageStore lateStore = store("slave2");
        for (int i = 0; i < 300; i++) {
            put(master, masterStore, "m" + i + "-" + "x".repeat(i * 13 % 700)).join();
        }
        service(slaveConfig(master), 2, lateStore); // joins late: copies everything from offset 0

        await().atMost(Duration.ofSeconds(30)).until(() -> slaveStore.commitLogMaxOffset() == masterStore.commitLogMaxOffset()
                && lateStore.commitLogMaxOffset() == masterStore.commitLogMaxOffset());
        assertSameFiles(masterStore, slaveStore, "slave1");
        assertSameFiles(masterStore, lateStore, "slave2");
        for (int q = 0; q < 3; q++) {
            int queue = q;
            await().until(() -> lateStore.maxQueueOffset("orders", queue) == masterStore.maxQueueOffset("orders", queue));
        }
        assertThat(master.describe()).containsEntry("haReplica.1.inSync", "true").containsEntry("haReplica.2.lagBytes", "0");
    }

    @Test
    void syncRefusesAtOnceWithoutEnoughInSyncReplicasAndAcksOnlyWhatTheSlaveHolds() {
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = service(masterConfig(ReplicationMode.SYNC, 2), 0, masterStore);

        assertThatThrownBy(() -> put(master, masterStore, "alone").join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(ReplicationException.class)
                .satisfies(e -> assertThat(((ReplicationException) e).code())
                        .isEqualTo(ResponseCode.IN_SYNC_REPLICAS_NOT_ENOUGH));
        assertThat(masterStore.commitLogMaxOffset()).as("nothing was stored").isZero();

        DefaultMessageStore slaveStore = store("slave");
        service(slaveConfig(master), 1, slaveStore);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));
        for (int i = 0; i < 50; i++) {
            PutResult result = put(master, masterStore, "sync-" + i).join();
            assertThat(slaveStore.commitLogMaxOffset()).as("acknowledged only once the slave holds it")
                    .isGreaterThanOrEqualTo(result.endOffset());
        }
    }

    /**
     * A slave at the master's end acknowledges a batch with its next data fetch, sent after the append, not with a
     * separate acknowledgement; the commit point still reaches it when the writes stop, so its consumers see the
     * last committed record.
     */
    @Test
    void aSlaveAtTheMastersEndAcknowledgesWithItsNextFetchAndStillLearnsTheLastCommitPoint() {
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = service(masterConfig(ReplicationMode.SYNC, 2), 0, masterStore);
        DefaultMessageStore slaveStore = store("slave");
        ReplicationService slave = service(slaveConfig(master), 1, slaveStore);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));
        long fetchesBefore = master.haServer().fetchesServed();
        long withBytesBefore = master.haServer().heldAnsweredWithBytes();
        long byHoldThreadBefore = master.haServer().heldAnsweredWithBytesByHoldThread();
        long newsOnHoldThreadBefore = master.haServer().commitNewsWaitsOnHoldThread();
        long newsOnIoThreadBefore = master.haServer().commitNewsAnsweredOnIoThread();
        int sends = 40;
        for (int i = 0; i < sends; i++) {
            put(master, masterStore, "one-request-" + i).join();
        }
        long withBytes = master.haServer().heldAnsweredWithBytes() - withBytesBefore;
        assertThat(withBytes).as("each send's bytes go out in the answer to a fetch held at the end").isGreaterThan(sends / 2);
        // handed by the appending thread to the fetch's I/O thread; the hold thread takes one only when it happens to
        // run for another reason between an append and the appender's hand-off
        assertThat(master.haServer().heldAnsweredWithBytesByHoldThread() - byHoldThreadBefore)
                .as("new bytes do not wake tidemq-ha-hold").isLessThanOrEqualTo(withBytes / 4);
        assertThat(master.haServer().ackOnlyFetchesServed()).as("no separate acknowledgements at the end").isZero();
        // one fetch per send, and at most one more when the commit point went out alone before the next send
        assertThat(master.haServer().fetchesServed() - fetchesBefore).isLessThanOrEqualTo(2L * sends + 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> visible(slaveStore) == sends);
        assertThat(visible(masterStore)).isEqualTo(sends);
        // the last commit point reached the slave in an answer to its held fetch, timed on that fetch's I/O thread
        assertThat(master.haServer().commitNewsAnsweredOnIoThread() - newsOnIoThreadBefore)
                .as("commit news answered by the I/O thread's timer").isPositive();
        assertThat(master.haServer().commitNewsWaitsOnHoldThread() - newsOnHoldThreadBefore)
                .as("no commit-news wait wakes tidemq-ha-hold").isZero();
        assertThat(master.haServer().lastFetchThread()).as("fetches run on the I/O thread, no executor hop")
                .startsWith("tidemq-remoting-server-io");
        assertThat(slave.haClient().lastAppendThread())
                .as("the slave appends where the answer arrived, no hand-off to tidemq-ha-client and back")
                .startsWith("tidemq-remoting-client-io");
    }

    /**
     * With the HA server on the client-facing server's I/O threads and the slave's connection on the sender's event
     * loop (one loop here), the send's append answers the slave's held fetch on its own thread, and the slave's next
     * fetch completes the send there too: no other thread is woken on the master for a SYNC send.
     */
    @Test
    void onSharedIoThreadsTheAppendAnswersTheHeldFetchAndTheAckCompletesTheSendOnOneThread() throws Exception {
        NettyIoThreads ioThreads = new NettyIoThreads(1);
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = new ReplicationService("broker-a", 0, masterConfig(ReplicationMode.SYNC, 2),
                "127.0.0.1", masterStore);
        master.shareIoThreads(ioThreads);
        NettyRemotingServer front = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1")
                .listenPort(0).build(), null, ioThreads);
        NettyRemotingClient sender = new NettyRemotingClient(NettyClientConfig.builder().build(), null);
        open.add(ioThreads::close); // closed last: after the servers that use it
        open.add(master);
        open.add(front::shutdown);
        open.add(sender::shutdown);
        master.start();
        // a send as the broker runs it: on the I/O thread that read it, answered when the in-sync replicas hold it
        int send = 1000;
        front.registerProcessor(send, (channel, request) -> {
            String appendThread = Thread.currentThread().getName();
            return put(master, masterStore, request.field("body")).thenApply(result -> RemotingCommand.success()
                    .putField("appendThread", appendThread)
                    .putField("ackThread", Thread.currentThread().getName()));
        }, Runnable::run);
        front.start();
        sender.start();
        DefaultMessageStore slaveStore = store("slave");
        service(slaveConfig(master), 1, slaveStore);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));

        long byAppenderBefore = master.haServer().heldAnsweredByAppender();
        long withBytesBefore = master.haServer().heldAnsweredWithBytes();
        int sends = 40;
        for (int i = 0; i < sends; i++) {
            RemotingCommand response = sender.invokeSync("127.0.0.1:" + front.localPort(),
                    RemotingCommand.createRequest(send).putField("body", "shared-" + i), 5_000);
            assertThat(response.isSuccess()).isTrue();
            assertThat(response.field("appendThread")).startsWith("tidemq-remoting-server-io");
            assertThat(response.field("ackThread")).as("the slave's fetch completed the send on the sender's thread")
                    .isEqualTo(response.field("appendThread"));
        }
        long withBytes = master.haServer().heldAnsweredWithBytes() - withBytesBefore;
        assertThat(withBytes).as("each send's bytes go out in the answer to a fetch held at the end")
                .isGreaterThan(sends / 2);
        assertThat(master.haServer().heldAnsweredByAppender() - byAppenderBefore)
                .as("the appending thread answered the held fetches itself, no hand-off").isGreaterThan(sends / 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> visible(slaveStore) == sends);
    }

    @Test
    void theInSyncSetShrinksWhenASlaveStopsAndConsumersNeverSeeUncommittedRecords() {
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = service(masterConfig(ReplicationMode.SYNC, 2), 0, masterStore);
        DefaultMessageStore slaveStore = store("slave");
        ReplicationService slave = service(slaveConfig(master), 1, slaveStore);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));
        put(master, masterStore, "committed").join();
        await().until(() -> masterStore.maxQueueOffset("orders", "committed".length() % 3) == 1);

        slave.close();
        // until the lag is noticed the slave still counts: the put is stored but not acknowledged, and not dispatched
        CompletableFuture<PutResult> pending = put(master, masterStore, "uncommitted");
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(master.describe().get("haInSyncReplicas")));
        assertThat(pending).isNotDone();
        assertThat(masterStore.maxQueueOffset("orders", "uncommitted".length() % 3)).isZero();
        assertThatThrownBy(() -> put(master, masterStore, "refused").join()).cause()
                .isInstanceOf(ReplicationException.class).hasMessageContaining("minInSyncReplicas=2");
    }

    private ReplicationService controlled(HaConfig config, int replicaId, DefaultMessageStore store) {
        ReplicationService service = new ReplicationService("broker-a", replicaId, config, "127.0.0.1", store);
        service.followController();
        service.start();
        open.add(service);
        return service;
    }

    private static void assertNotMaster(CompletableFuture<PutResult> put, String masterAddress) {
        assertThatThrownBy(put::join).cause().isInstanceOf(ReplicationException.class)
                .satisfies(e -> assertThat(((ReplicationException) e).code()).isEqualTo(ResponseCode.NOT_MASTER))
                .satisfies(e -> assertThat(((ReplicationException) e).masterAddress()).isEqualTo(masterAddress));
    }

    @Test
    void theControllerMovesRolesAtRunTimeAndTheFormerMasterCutsWhatItWroteAlone() throws IOException {
        HaConfig config = masterConfig(ReplicationMode.SYNC, 2);
        DefaultMessageStore aStore = store("a");
        DefaultMessageStore bStore = store("b");
        ReplicationService a = controlled(config.withTruncatedBackup(true), 0, aStore);
        ReplicationService b = controlled(config, 1, bStore);
        assertNotMaster(put(a, aStore, "before any role"), null);

        // epoch 1: a is master, b its slave
        a.becomeMaster(1);
        b.becomeSlave(1, "127.0.0.1:" + a.haPort(), "a-broker:10911");
        await().until(() -> "2".equals(a.describe().get("haInSyncReplicas")));
        // a slave's dispatcher polls ten times less often (a held pull still signals it); a master's every 1 ms
        assertThat(bStore.dispatchPollIntervalMs()).isEqualTo(DefaultMessageStore.FOLLOWER_DISPATCH_POLL_MS);
        assertThat(aStore.dispatchPollIntervalMs()).isEqualTo(DefaultMessageStore.DISPATCH_POLL_MS);
        for (int i = 0; i < 100; i++) {
            put(a, aStore, "epoch1-" + i).join();
        }
        long acknowledged = aStore.commitLogMaxOffset();
        assertNotMaster(put(b, bStore, "to the slave"), "a-broker:10911");

        // epoch 2: b is elected while a, cut off, still takes a write it stores alone and never acknowledges
        b.becomeMaster(2);
        assertThat(b.role()).isEqualTo(BrokerRole.MASTER);
        assertThat(bStore.dispatchPollIntervalMs()).as("the promoted master's consumers wait for its dispatch")
                .isEqualTo(DefaultMessageStore.DISPATCH_POLL_MS);
        CompletableFuture<PutResult> alone = put(a, aStore, "written alone by the stale master");
        assertThat(aStore.commitLogMaxOffset()).isGreaterThan(acknowledged);
        assertThat(bStore.commitLogMaxOffset()).isEqualTo(acknowledged);

        long aloneEnd = aStore.commitLogMaxOffset();
        byte[] writtenAlone = aStore.replicaLog().readRaw(acknowledged, 1 << 20, aloneEnd);
        a.becomeSlave(2, "127.0.0.1:" + b.haPort(), "b-broker:10911");
        assertThat(aStore.dispatchPollIntervalMs()).isEqualTo(DefaultMessageStore.FOLLOWER_DISPATCH_POLL_MS);
        assertThatThrownBy(alone::join).cause().isInstanceOf(ReplicationException.class);
        assertNotMaster(put(a, aStore, "to the former master"), "b-broker:10911");
        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(b.describe().get("haInSyncReplicas")));
        for (int i = 0; i < 50; i++) {
            put(b, bStore, "epoch2-" + i).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> aStore.commitLogMaxOffset() == bStore.commitLogMaxOffset());
        await().until(() -> visible(bStore) == 150);
        assertThat(visible(bStore)).as("the new master's appends follow the queue offsets it copied").isEqualTo(150);
        assertThat(Long.parseLong(a.describe().get("haTruncatedBytes"))).as("the write a took alone was cut")
                .isPositive();
        // truncatedBackup=true: the cut bytes are kept, exactly as a's log held them
        Path kept = dir.resolve("a").resolve("ha").resolve("truncated")
                .resolve("cut-" + acknowledged + "-" + aloneEnd + "-epoch1.bin");
        assertThat(kept).exists();
        assertThat(Files.readAllBytes(kept)).isEqualTo(writtenAlone);
        assertThat((long) writtenAlone.length).isEqualTo(Long.parseLong(a.describe().get("haTruncatedBytes")));
        assertSameFiles(bStore, aStore, "a", "b");
        assertThat(a.describe()).containsEntry("haRole", "SLAVE").containsEntry("haEpoch", "2");
        assertThat(b.describe()).containsEntry("haRole", "MASTER").containsEntry("haMasterEpoch", "2");

        // each replica recorded when it took writes, per epoch (the kill loop IT checks these across processes)
        var aEvents = AcceptingWritesLog.read(dir.resolve("a").resolve("ha").resolve(AcceptingWritesLog.FILE_NAME));
        var bEvents = AcceptingWritesLog.read(dir.resolve("b").resolve("ha").resolve(AcceptingWritesLog.FILE_NAME));
        assertThat(aEvents).extracting(e -> (e.start() ? "START " : "STOP ") + e.epoch())
                .containsExactly("START 1", "STOP 1");
        assertThat(bEvents).extracting(e -> (e.start() ? "START " : "STOP ") + e.epoch()).containsExactly("START 2");
        assertThat(aEvents.get(0).monotonicNanos()).isLessThan(aEvents.get(1).monotonicNanos());
        assertThat(aEvents.get(1).replicaId()).isEqualTo(0);
        assertThat(bEvents.get(0).group()).isEqualTo("broker-a");
    }

    @Test
    void aMasterThatAcknowledgesAloneTakesNoWriteOnceItsControllerLeaseLapsed() {
        AtomicLong leaseUntil = new AtomicLong(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        DefaultMessageStore asyncStore = store("async");
        HaConfig async = masterConfig(ReplicationMode.ASYNC, 1);
        ReplicationService master = new ReplicationService("broker-a", 0, async, "127.0.0.1", asyncStore);
        master.followController();
        master.useControllerLease(leaseUntil::get);
        master.start();
        open.add(master);
        master.becomeMaster(1);
        put(master, asyncStore, "within the lease").join();

        leaseUntil.set(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(1));
        assertThatThrownBy(put(master, asyncStore, "after the lease")::join).cause()
                .isInstanceOf(ReplicationException.class)
                .satisfies(e -> assertThat(((ReplicationException) e).code()).isEqualTo(ResponseCode.NOT_MASTER))
                .hasMessageContaining("past its lease");
        assertThat(master.role()).as("still master: a renewed lease lets it write again").isEqualTo(BrokerRole.MASTER);
        leaseUntil.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        put(master, asyncStore, "renewed").join();
    }

    @Test
    void aSyncMasterWithAnotherReplicaInSyncDoesNotNeedTheLease() throws IOException {
        DefaultMessageStore masterStore = store("sync-master");
        DefaultMessageStore slaveStore = store("sync-slave");
        ReplicationService master = new ReplicationService("broker-a", 0, masterConfig(ReplicationMode.SYNC, 1),
                "127.0.0.1", masterStore);
        master.followController();
        master.useControllerLease(() -> Long.MIN_VALUE); // never heard a leader
        master.start();
        open.add(master);
        master.becomeMaster(1);
        assertThatThrownBy(put(master, masterStore, "alone in its in-sync set")::join).cause()
                .hasMessageContaining("past its lease");
        ReplicationService slave = controlled(masterConfig(ReplicationMode.SYNC, 1), 1, slaveStore);
        slave.becomeSlave(1, "127.0.0.1:" + master.haPort(), "a-broker:10911");
        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(master.describe().get("haInSyncReplicas")));
        put(master, masterStore, "acknowledged by both").join(); // the slave holds it: no lease needed
    }

    /** Metadata held in memory: a string, and a count of its changes. */
    private static final class FakeMetadata implements ReplicatedMetadata {
        private volatile String state = "";
        private final AtomicLong changes = new AtomicLong();

        void set(String next) {
            state = next;
            changes.incrementAndGet();
        }

        @Override
        public long changeCount() {
            return changes.get();
        }

        @Override
        public byte[] snapshot() {
            return state.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void apply(byte[] snapshot) {
            state = new String(snapshot, StandardCharsets.UTF_8);
        }
    }

    private ReplicationService withMetadata(HaConfig config, int replicaId, DefaultMessageStore store,
                                            ReplicatedMetadata metadata) {
        ReplicationService service = new ReplicationService("broker-a", replicaId, config, "127.0.0.1", store);
        service.useMetadata(metadata);
        service.start();
        open.add(service);
        return service;
    }

    /**
     * Topics and offsets reach the slaves: an admin change at once (the call returns once the in-sync slave applied
     * it), any other change within about a second, and the last state when the master stops.
     */
    @Test
    void metadataReachesTheInSyncSlavesAtOnceOnAdminChangesEverySecondAndAtShutdown() {
        FakeMetadata onMaster = new FakeMetadata();
        FakeMetadata onSlave = new FakeMetadata();
        DefaultMessageStore masterStore = store("master");
        ReplicationService master = withMetadata(masterConfig(ReplicationMode.SYNC, 2), 0, masterStore, onMaster);
        withMetadata(slaveConfig(master), 1, store("slave"), onSlave);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));

        onMaster.set("topic orders created");
        assertThat(master.replicateMetadataNow()).isTrue();
        assertThat(onSlave.state).as("applied before the admin call returned").isEqualTo("topic orders created");

        onMaster.set("offsets committed");
        await().atMost(Duration.ofSeconds(10)).until(() -> "offsets committed".equals(onSlave.state));

        onMaster.set("last offsets");
        master.close();
        assertThat(onSlave.state).as("the master's last state reached the slave before it stopped")
                .isEqualTo("last offsets");
    }

    /**
     * The commit point survives a restart: a SYNC master stopped with a tail its slave never got shows consumers
     * only what was committed when it comes back, and the tail once the restarted slave holds it.
     */
    @Test
    void aRestartedSyncMasterShowsItsUncommittedTailOnlyOnceTheSlaveHoldsIt() {
        DefaultMessageStore masterStore = store("master");
        HaConfig masterConfig = masterConfig(ReplicationMode.SYNC, 2);
        ReplicationService master = service(masterConfig, 0, masterStore);
        DefaultMessageStore slaveStore = store("slave");
        ReplicationService slave = service(slaveConfig(master), 1, slaveStore);
        await().until(() -> "2".equals(master.describe().get("haInSyncReplicas")));
        for (int i = 0; i < 3; i++) {
            put(master, masterStore, "committed-" + i).join();
        }
        long committed = masterStore.commitLogMaxOffset();
        await().until(() -> visible(masterStore) == 3);

        slave.close();
        slaveStore.close();
        CompletableFuture<PutResult> pending = put(master, masterStore, "uncommitted");
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(master.describe().get("haInSyncReplicas")));
        assertThat(pending).isNotDone();
        master.close();
        masterStore.close();

        DefaultMessageStore restartedStore = unstartedStore("master");
        ReplicationService restarted = restart(masterConfig, 0, restartedStore);
        assertThat(restartedStore.dispatchedOffset()).as("recovery stops at the persisted commit point")
                .isEqualTo(committed);
        assertThat(visible(restartedStore)).as("the uncommitted tail stays invisible").isEqualTo(3);
        assertThat(restarted.commitPoint()).isEqualTo(committed);

        restart(slaveConfig(restarted), 1, unstartedStore("slave"));
        await().atMost(Duration.ofSeconds(30)).until(() -> visible(restartedStore) == 4);
        assertThat(restarted.commitPoint()).isEqualTo(restartedStore.commitLogMaxOffset());
    }

    /**
     * The design's rejoin case over the network: master A writes a tail its slave B never gets; B is restarted as
     * master (epoch 2) and writes; A restarted as B's slave truncates its tail at B's epoch start in the
     * handshake, then copies B's log and ends byte-equal to it.
     */
    @Test
    void anOldMasterRejoiningAsSlaveTruncatesWhatTheNewMasterNeverGot() throws IOException {
        DefaultMessageStore a = store("master");
        ReplicationService masterA = service(masterConfig(ReplicationMode.ASYNC, 1), 0, a);
        DefaultMessageStore b = store("slave1");
        ReplicationService slaveB = service(slaveConfig(masterA), 1, b);
        for (int i = 0; i < 40; i++) {
            put(masterA, a, "common-" + i).join();
        }
        await().until(() -> b.commitLogMaxOffset() == a.commitLogMaxOffset());
        long common = a.commitLogMaxOffset();
        await().until(() -> a.dispatchedOffset() == common); // the queues show every common record
        long[] commonPerQueue = new long[3];
        for (int q = 0; q < 3; q++) {
            commonPerQueue[q] = a.maxQueueOffset("orders", q);
        }
        slaveB.close();
        for (int i = 0; i < 25; i++) {
            put(masterA, a, "lost-" + i).join();
        }
        masterA.close();

        ReplicationService masterB = service(masterConfig(ReplicationMode.ASYNC, 1), 1, b);
        for (int i = 0; i < 10; i++) {
            put(masterB, b, "new-" + i).join();
        }
        await().until(() -> a.dispatchedOffset() == a.commitLogMaxOffset());
        ConsumerOffsetManager offsets = new ConsumerOffsetManager(dir.resolve("a-offsets.json"), a::maxQueueOffset);
        for (int q = 0; q < 3; q++) {
            offsets.commit("billing", "orders", q, a.maxQueueOffset("orders", q)); // consumed the lost writes too
        }
        ReplicationService slaveA = new ReplicationService("broker-a", 0, slaveConfig(masterB), "127.0.0.1", a);
        open.add(slaveA);
        slaveA.onTruncation(offsets::clampToQueueEnds);
        slaveA.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> a.commitLogMaxOffset() == b.commitLogMaxOffset()
                && "0".equals(slaveA.describe().get("haLagBytes")));
        assertThat(Long.parseLong(slaveA.describe().get("haTruncatedBytes"))).isGreaterThan(0);
        assertThat(a.replicaLog().epochs().entries()).extracting(e -> e.startOffset()).containsExactly(0L, common);
        assertSameFiles(b, a, "master", "slave1");
        for (int q = 0; q < 3; q++) {
            assertThat(offsets.query("billing", "orders", q)).as("offset of queue %d clamped to the cut", q)
                    .isEqualTo(commonPerQueue[q]);
        }
        await().until(() -> a.queryByKey("orders", "k-" + "lost-1".length(), 100, 0, Long.MAX_VALUE).stream()
                .noneMatch(m -> new String(m.body(), StandardCharsets.UTF_8).startsWith("lost")));
    }

    private void assertSameFiles(DefaultMessageStore master, DefaultMessageStore slave, String slaveName)
            throws IOException {
        assertSameFiles(master, slave, slaveName, "master");
    }

    private void assertSameFiles(DefaultMessageStore master, DefaultMessageStore slave, String slaveName,
                                 String masterName) throws IOException {
        long end = master.commitLogMaxOffset();
        List<Path> masterFiles = dataFiles(dir.resolve(masterName), end);
        List<Path> slaveFiles = dataFiles(dir.resolve(slaveName), end);
        assertThat(slaveFiles).hasSameSizeAs(masterFiles);
        for (int i = 0; i < masterFiles.size(); i++) {
            assertThat(Files.readAllBytes(slaveFiles.get(i))).isEqualTo(Files.readAllBytes(masterFiles.get(i)));
        }
        assertThat(slave.commitLogMaxOffset()).isEqualTo(end);
    }

    private static List<Path> dataFiles(Path store, long end) throws IOException {
        try (Stream<Path> files = Files.list(store.resolve("commitlog"))) {
            return files.filter(f -> Long.parseLong(f.getFileName().toString()) < end).sorted().toList();
        }
    }
}
