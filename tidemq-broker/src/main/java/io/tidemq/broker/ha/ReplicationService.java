package io.tidemq.broker.ha;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.netty.NettyIoThreads;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.ha.CommitPointFile;
import io.tidemq.store.ha.ReplicaLog;
import io.tidemq.store.ha.ReplicaMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A broker's replication, by its configured role: a master serves its log on {@code haListenPort}
 * ({@link HaServer}) and, in SYNC mode, acknowledges a put only once every in-sync replica holds it
 * ({@link InSyncReplicas}); a slave copies the master's log ({@link HaClient}) and refuses writes.
 *
 * <p>Without a controller roles are static: a master starts a new epoch at every start (the last epoch of its
 * lineage + 1), and takes the commit point it persisted at its last run (or, at the first run, its log end) as its
 * commit point. With a controller ({@link #followController()} before start) the broker starts taking no writes and
 * the controller's decisions change its role at run time: {@link #becomeMaster(int)} in the epoch the controller
 * gave, {@link #becomeSlave(int, String, String)} of the master it names (truncation to the common point happens in
 * the slave's handshake); while not master a send is refused with NOT_MASTER naming the current master.
 * The commit point is written to {@code ha/commit-point} every second when it moved and at close.
 * Lifecycle: construct, {@link #prepareStore()} before the store starts, {@link #start()} after, {@link #close()}
 * before the store closes. Fields are written by start() and read by request threads after it.
 */
public final class ReplicationService implements PutGate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationService.class);
    /** How often the commit point is written to {@code ha/commit-point} when it moved. */
    static final long COMMIT_POINT_PERSIST_INTERVAL_MS = 1_000;
    /** How often a master checks whether topics or offsets changed and publishes them to its slaves. */
    static final long METADATA_SYNC_INTERVAL_MS = 1_000;
    /** How long a stopping master waits for its in-sync slaves to apply its last metadata. */
    static final long SHUTDOWN_METADATA_WAIT_MS = 1_000;

    private final String group;
    private final int replicaId;
    private final HaConfig config;
    private final String bindAddress;
    private final DefaultMessageStore store;
    private volatile ReplicaMeta meta;
    private volatile InSyncReplicas isr;
    private volatile HaServer server;
    /**
     * The I/O threads the master's HA server registers slave connections on (shared with the broker's client-facing
     * server), or null for threads of its own; set before {@link #start()}.
     */
    private volatile NettyIoThreads ioThreads;
    private volatile HaClient client;
    private volatile int masterEpoch;
    /** The commit point read at {@link #prepareStore()}, or {@link CommitPointFile#UNKNOWN}. */
    private volatile long persistedCommitPoint = CommitPointFile.UNKNOWN;
    /** The last commit point written to {@code ha/commit-point}; owned by the persisting thread (and close). */
    private long lastPersistedCommitPoint = CommitPointFile.UNKNOWN;
    private volatile ScheduledExecutorService persister;
    /** The current role: the configured one, or the controller's; written under {@link #roleLock}'s write lock. */
    private volatile BrokerRole role;
    /** Whether the controller decides the role ({@link #followController()}); set before start. */
    private volatile boolean controlled;
    /** Controlled slave: the master's client address for NOT_MASTER, or null while no master is known. */
    private volatile String masterBrokerAddress;
    /** Controlled slave: the epoch of the master it follows (0 before the controller named one). */
    private volatile int followedEpoch;
    /**
     * A put checks the role and appends under the read lock; a role change takes the write lock, so no append
     * of the old role lands after the change (a former master's truncation never races a late append).
     */
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    /** What slaves copy besides the log; set before start. */
    private volatile ReplicatedMetadata metadata = ReplicatedMetadata.NONE;
    /** Master: the metadata published to the slaves in the current epoch; null while not master. */
    private volatile MetadataPublication publication;
    /** Run on the HA client thread after a truncation cut bytes (consumer offsets are clamped); set before start. */
    private volatile Runnable truncationListener = () -> { };
    /** Told of run-time role changes (the broker's writing services follow them); set before start. */
    private volatile RoleListener roleListener = RoleListener.NONE;
    /**
     * Controlled master: until when (System.nanoTime) its controller lease lets it take writes without another
     * replica holding them ({@link io.tidemq.controller.client.ReplicaAgent#leaseValidUntilNanos}); null without a
     * controller. Set before the first role change, read by request threads.
     */
    private volatile java.util.function.LongSupplier leaseValidUntilNanos;
    /**
     * Controlled shutdown: set once the master stopped taking writes to hand over to a slave; puts get NOT_MASTER.
     * Written under the role write lock, read under the read lock.
     */
    private volatile boolean handingOver;
    /** When this replica starts and stops accepting writes per epoch; created by start(). */
    private volatile AcceptingWritesLog acceptingLog;

    /**
     * The broker's services that write on their own (timer deliveries, transaction check-backs) run only on the
     * master: a controlled replica starts them when it becomes master, after it accepts writes in the new epoch,
     * and stops them when it stops being master, after its writes are refused (their puts fail at once then, so
     * stopping never waits for an acknowledgement). Called on the thread that changed the role, outside the role
     * lock, never concurrently (the role changes are synchronized). A failure is logged; the role stays.
     */
    public interface RoleListener {
        RoleListener NONE = new RoleListener() {
            @Override
            public void becameMaster(int epoch) {
            }

            @Override
            public void stoppedBeingMaster(int epoch) {
            }
        };

        /** This replica accepts writes in {@code epoch} now: start what the master runs. */
        void becameMaster(int epoch);

        /**
         * This replica takes no writes (a slave of {@code epoch}'s master, or waiting for one): stop what the master
         * runs. Also called when it was no master before; it must then do nothing.
         */
        void stoppedBeingMaster(int epoch);
    }

    public ReplicationService(String group, int replicaId, HaConfig config, String bindAddress,
                              DefaultMessageStore store) {
        this.group = group;
        this.replicaId = replicaId;
        this.config = config;
        this.bindAddress = bindAddress;
        this.store = store;
        this.role = config.role();
    }

    /**
     * The controller decides this replica's role: it starts taking no writes (NOT_MASTER) and fetching from
     * nobody until {@link #becomeMaster} or {@link #becomeSlave}. Needs {@code haListenPort} on (a slave may
     * become master). Before {@link #prepareStore()}.
     */
    public void followController() {
        if (config.haListenPort() == HaConfig.DISABLED_PORT) {
            throw new HaConfigException("a broker with controllerAddresses needs haListenPort (0 or a port): any"
                    + " replica may be elected master and then serves its slaves on it");
        }
        controlled = true;
        role = BrokerRole.SLAVE;
    }

    /**
     * The HA server registers slave connections on {@code threads}, the client-facing server's I/O threads: when a
     * slave's connection and a sender's share an event loop, the append answers the held fetch and the slave's
     * acknowledgement writes the waiting SYNC sends' responses on that thread, without waking another. Before
     * {@link #start()}; the caller closes the threads after {@link #close()}.
     */
    public void shareIoThreads(NettyIoThreads threads) {
        this.ioThreads = threads;
    }

    public boolean controlled() {
        return controlled;
    }

    /** This replica's store identity ({@code ha/replica.meta}); after {@link #start()}. */
    public ReplicaMeta meta() {
        return meta;
    }

    /** The id of the replica this service runs for ({@code brokerId}). */
    public int replicaId() {
        return replicaId;
    }

    /** The group ({@code brokerName}). */
    public String group() {
        return group;
    }

    /** The last epoch of this replica's log lineage (0 before any). */
    public int lastEpoch() {
        return store.replicaLog().epochs().lastEpoch();
    }

    /** This replica's log end. */
    public long maxOffset() {
        return store.replicaLog().maxOffset();
    }

    /**
     * Master following the controller: the controller's in-sync set for {@code epoch}. Its members count for the
     * commit point until the controller takes a smaller set (ignored for another epoch or when not master).
     */
    public void controllerInSync(int epoch, java.util.Set<Integer> ids) {
        InSyncReplicas replicas = isr;
        if (role == BrokerRole.MASTER && replicas != null && masterEpoch == epoch) {
            replicas.useControllerInSync(replicaId, ids);
        }
    }

    /**
     * Controlled shutdown of a master following the controller: stops taking writes (sends get NOT_MASTER), then
     * waits until an in-sync slave holds the whole log, at most {@code timeoutMs}, and names it: the controller can
     * then elect it with nothing acknowledged missing. The writes stay stopped whatever the outcome (the broker is
     * stopping). Blocks; the shutdown thread.
     *
     * @return the replica id of the in-sync slave holding the whole log (the furthest one), or -1 when none did in time
     *         or this replica is not master
     */
    public int prepareHandOver(long timeoutMs) {
        if (!controlled || role != BrokerRole.MASTER) {
            return -1;
        }
        roleLock.writeLock().lock(); // no put of the old role is in progress once it is taken
        try {
            handingOver = true;
        } finally {
            roleLock.writeLock().unlock();
        }
        long end = store.replicaLog().maxOffset();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            InSyncReplicas replicas = isr;
            if (replicas == null) {
                return -1;
            }
            int best = -1;
            for (InSyncReplicas.ReplicaView r : replicas.view()) {
                if (r.inSync() && r.ackOffset() >= end) {
                    best = r.replicaId();
                }
            }
            if (best >= 0) {
                log.info("replica {} of group {} stopped taking writes at offset {}; in-sync replica {} holds them"
                        + " all and can take over", replicaId, group, end, best);
                // stamped before the controller can hear of the successor: this replica takes no write from now on,
                // and every write it took is on the successor (an acknowledgement still sent is of a record it holds)
                acceptingLog.stopped(masterEpoch);
                return best;
            }
            if (System.nanoTime() - deadline >= 0) {
                log.warn("replica {} of group {}: no in-sync slave caught up with offset {} within {} ms; no hand-over"
                        + " (the controller elects after the lease)", replicaId, group, end, timeoutMs);
                return -1;
            }
            HaServer s = server;
            if (s != null) {
                s.wakeUp();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a short poll of the slaves' acks
        }
    }

    /** Master: the replicas in sync now, itself included; null when not master. */
    public java.util.SortedSet<Integer> inSyncReplicaIds() {
        InSyncReplicas replicas = isr;
        if (role != BrokerRole.MASTER || replicas == null) {
            return null;
        }
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        ids.add(replicaId);
        for (InSyncReplicas.ReplicaView r : replicas.view()) {
            if (r.inSync()) {
                ids.add(r.replicaId());
            }
        }
        return ids;
    }

    /** The current role (the controller's, with a controller). */
    public BrokerRole role() {
        return role;
    }

    /** The master epoch this replica writes in (master) or follows (controlled slave); 0 before any. */
    public int epoch() {
        return role == BrokerRole.MASTER ? masterEpoch : followedEpoch;
    }

    public HaConfig config() {
        return config;
    }

    /**
     * Runs {@code listener} after every truncation that cut bytes from this replica's log, once the derived
     * state is rebuilt (the broker clamps consumer offsets to the new queue ends). Before {@link #start()}.
     */
    public void onTruncation(Runnable listener) {
        this.truncationListener = listener;
    }

    /**
     * A controlled master whose acknowledgements do not wait for another replica (ASYNC, or alone in its in-sync set)
     * takes writes only while {@code validUntilNanos} (a {@link System#nanoTime()} value) is ahead: once its
     * controller lease lapsed the controller may elect another master, and what it acknowledged alone after that
     * would be cut when it rejoins. Before the controller makes it master.
     */
    public void useControllerLease(java.util.function.LongSupplier validUntilNanos) {
        this.leaseValidUntilNanos = validUntilNanos;
    }

    /** Run-time role changes (a controlled replica). Before {@link #start()}. */
    public void onRoleChange(RoleListener listener) {
        this.roleListener = listener;
    }

    /** What this broker copies to its slaves (master) or receives from its master (slave). Before {@link #start()}. */
    public void useMetadata(ReplicatedMetadata replicated) {
        this.metadata = replicated;
    }

    /**
     * Before the store starts: reads the commit point persisted at the last run ({@code ha/commit-point}) and
     * makes it the store's dispatch ceiling where dispatch follows the commit point (a slave; a SYNC master),
     * so recovery does not show consumers records that were not committed when the broker stopped. A slave
     * with no such file dispatches nothing new until its master tells it the commit point; a SYNC master with
     * none treats its log as committed (the first start with replication).
     */
    public void prepareStore() {
        long point = CommitPointFile.load(store.config().storePath().resolve(ReplicaLog.HA_DIR));
        persistedCommitPoint = point;
        if (role == BrokerRole.SLAVE) {
            store.setDispatchCeiling(Math.max(0, point));
        } else if (config.replicationMode() == ReplicationMode.SYNC && point != CommitPointFile.UNKNOWN) {
            store.setDispatchCeiling(point);
        }
        if (point != CommitPointFile.UNKNOWN) {
            log.info("replica {} of group {}: commit point {} persisted at the last run", replicaId, group, point);
        }
    }

    public synchronized void start() {
        ReplicaLog replicaLog = store.replicaLog();
        meta = ReplicaMeta.openForStart(store.config().storePath().resolve(ReplicaLog.HA_DIR), group, replicaId,
                store.commitLogMaxOffset() > 0, config.haAdoptExistingStore());
        acceptingLog = new AcceptingWritesLog(store.config().storePath().resolve(ReplicaLog.HA_DIR), group, replicaId,
                System::nanoTime);
        startPersister();
        if (controlled) {
            log.info("replica {} of group {} waits for the controller to name its role (store {}, incarnation {})",
                    replicaId, group, meta.storeUuid(), meta.incarnation());
            return;
        }
        if (config.role() == BrokerRole.SLAVE) {
            client = new HaClient(group, replicaId, config, store, meta, () -> truncationListener.run(), metadata);
            client.start();
            log.info("replica {} of group {} is a SLAVE of {} (store {}, incarnation {})", replicaId, group,
                    config.haMasterAddress(), meta.storeUuid(), meta.incarnation());
            return;
        }
        int epoch = replicaLog.epochs().lastEpoch() + 1;
        replicaLog.beginMasterEpoch(epoch);
        openAsMaster(epoch, persistedCommitPoint, false);
    }

    /**
     * Serves the log to slaves in {@code epoch} (already in the lineage) and accepts writes.
     *
     * @param knownCommitPoint  what is known committed (persisted at the last run, or the commit point a former
     *                          slave learnt from its master), or {@link CommitPointFile#UNKNOWN}
     * @param republishMetadata whether the slaves copy the metadata again at the next check even if it did not
     *                          change (a master elected at run time)
     */
    private void openAsMaster(int epoch, long knownCommitPoint, boolean republishMetadata) {
        ReplicaLog replicaLog = store.replicaLog();
        masterEpoch = epoch;
        boolean sync = config.replicationMode() == ReplicationMode.SYNC;
        long end = replicaLog.maxOffset();
        // what was known committed; the tail above it commits once the in-sync slaves hold it
        long initialCommitPoint = sync && knownCommitPoint != CommitPointFile.UNKNOWN
                ? Math.min(knownCommitPoint, end) : end;
        isr = new InSyncReplicas(sync ? config.minInSyncReplicas() : 1, config.replicaLagMaxMs(),
                initialCommitPoint, end, replicaLog::maxOffset, System::currentTimeMillis,
                point -> {
                    if (sync) {
                        store.setDispatchCeiling(point);
                    }
                    HaServer s = server;
                    if (s != null) {
                        s.onCommitPointMoved();
                    }
                });
        if (sync) {
            store.setDispatchCeiling(isr.commitPoint());
        } else {
            // an ASYNC master dispatches what it appends; a former slave's ceiling (its old master's commit point)
            // would hide every new write from consumers, the timer and the transaction checks
            store.setDispatchCeiling(Long.MAX_VALUE);
        }
        publication = new MetadataPublication(metadata, epoch, republishMetadata, () -> {
            HaServer s = server;
            if (s != null) {
                s.wakeUp();
            }
        });
        server = new HaServer(group, config, bindAddress, ioThreads, replicaLog, isr, masterEpoch, publication);
        server.start();
        acceptingLog.started(epoch); // stamped before the first write of the epoch can be taken
        role = BrokerRole.MASTER;
        log.info("replica {} of group {} is the MASTER (epoch {}, {} replication, minInSyncReplicas={}, store {},"
                + " incarnation {})", replicaId, group, masterEpoch, config.replicationMode(),
                config.minInSyncReplicas(), meta.storeUuid(), meta.incarnation());
    }

    /**
     * The controller made this replica master in {@code epoch}: stops fetching, opens a new epoch in its
     * lineage and accepts writes. Nothing happens when it already is master in that epoch.
     *
     * @throws ReplicationException NOT_MASTER when this replica's lineage already holds a later epoch (the
     *                              controller's answer is stale; the next heartbeat brings the newer one)
     */
    public synchronized void becomeMaster(int epoch) {
        if (role == BrokerRole.MASTER && masterEpoch == epoch) {
            return;
        }
        ReplicaLog replicaLog = store.replicaLog();
        int last = replicaLog.epochs().lastEpoch();
        if (epoch < last) {
            throw new ReplicationException(ResponseCode.NOT_MASTER, "replica " + replicaId + " of group " + group
                    + " cannot become master in epoch " + epoch + ": its log already holds epoch " + last);
        }
        roleLock.writeLock().lock();
        try {
            long known = CommitPointFile.UNKNOWN;
            if (client != null) {
                known = client.confirmOffset(); // every byte up to it was acknowledged by the former master
                client.close();
                client = null;
            }
            closeMasterSide("replica " + replicaId + " of group " + group + " is master in a new epoch " + epoch);
            replicaLog.resumeQueueOffsets(); // copied records hold queue offsets the next appends must follow
            if (epoch > last) {
                replicaLog.beginMasterEpoch(epoch);
            }
            masterBrokerAddress = null;
            followedEpoch = epoch;
            openAsMaster(epoch, known == CommitPointFile.UNKNOWN ? persistedCommitPoint : known, true);
        } finally {
            roleLock.writeLock().unlock();
        }
        tellRole(true, epoch);
    }

    private void tellRole(boolean master, int epoch) {
        try {
            if (master) {
                roleListener.becameMaster(epoch);
            } else {
                roleListener.stoppedBeingMaster(epoch);
            }
        } catch (RuntimeException e) {
            log.error("replica {} of group {}: the services that follow the role ({} in epoch {}) failed to change;"
                    + " restart the broker if it persists", replicaId, group, master ? "master" : "not master", epoch, e);
        }
    }

    /**
     * The controller made another replica master in {@code epoch} (or none, when {@code masterHaAddress} is null):
     * stops accepting writes (sends get NOT_MASTER naming {@code masterBrokerAddress}), stops serving slaves and,
     * with a master, fetches from it; the handshake cuts this log to the point it shares with the master's, so
     * what a former master wrote alone is removed. Nothing happens when it already follows that master in that epoch.
     */
    public synchronized void becomeSlave(int epoch, String masterHaAddress, String masterBrokerAddress) {
        if (role == BrokerRole.SLAVE && followedEpoch == epoch && client != null
                && client.masterAddress().equals(masterHaAddress)) {
            return;
        }
        roleLock.writeLock().lock();
        try {
            role = BrokerRole.SLAVE;
            this.masterBrokerAddress = masterBrokerAddress;
            followedEpoch = epoch;
            closeMasterSide("replica " + replicaId + " of group " + group + " is no longer master (epoch " + epoch
                    + " belongs to " + masterBrokerAddress + "); the message was stored here but not confirmed"
                    + " replicated, so it may be cut: resend it");
            if (client != null) {
                client.close();
                client = null;
            }
            if (masterHaAddress != null) {
                client = new HaClient(group, replicaId,
                        config.withRole(BrokerRole.SLAVE, config.haListenPort(), masterHaAddress), store, meta,
                        () -> truncationListener.run(), metadata, epoch);
                client.start();
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        log.info("replica {} of group {} is a SLAVE of {} in epoch {}", replicaId, group,
                masterHaAddress == null ? "nobody yet" : masterHaAddress, epoch);
        tellRole(false, epoch);
    }

    /** Stops serving slaves and fails every send waiting for replication. Under the role write lock. */
    private void closeMasterSide(String why) {
        HaServer s = server;
        InSyncReplicas replicas = isr;
        server = null;
        isr = null;
        publication = null;
        if (s != null) {
            s.close();
        }
        if (replicas != null) {
            persistedCommitPoint = replicas.commitPoint();
            replicas.failAll(why);
            acceptingLog.stopped(masterEpoch); // after the last acknowledgement of the epoch was failed or sent
        }
    }

    private void startPersister() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidemq-ha-commit-point");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::persistCommitPoint, COMMIT_POINT_PERSIST_INTERVAL_MS,
                COMMIT_POINT_PERSIST_INTERVAL_MS, TimeUnit.MILLISECONDS);
        if (config.role() == BrokerRole.MASTER || controlled) {
            executor.scheduleWithFixedDelay(this::publishMetadataIfChanged, METADATA_SYNC_INTERVAL_MS,
                    METADATA_SYNC_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        persister = executor;
    }

    /** The commit point as this replica knows it (master: its own; slave: its master's, capped at its log). */
    public long commitPoint() {
        InSyncReplicas replicas = isr;
        if (replicas != null) {
            return replicas.commitPoint();
        }
        HaClient c = client;
        return c == null ? CommitPointFile.UNKNOWN : c.confirmOffset();
    }

    /** Writes the commit point to {@code ha/commit-point} when it moved. Persister thread, or close(). */
    private synchronized void persistCommitPoint() {
        long point = commitPoint();
        if (point < 0 || point == lastPersistedCommitPoint) {
            return;
        }
        try {
            CommitPointFile.store(store.config().storePath().resolve(ReplicaLog.HA_DIR), point);
            lastPersistedCommitPoint = point;
        } catch (RuntimeException e) {
            log.warn("cannot persist the commit point {}; retrying in {} ms", point, COMMIT_POINT_PERSIST_INTERVAL_MS,
                    e);
        }
    }

    /** Master, every second: a new metadata version when topics or offsets changed (offsets are copied at 1 s). */
    private void publishMetadataIfChanged() {
        try {
            MetadataPublication p = publication;
            if (p != null) {
                p.publishIfChanged();
            }
        } catch (RuntimeException e) {
            log.warn("cannot publish the broker metadata to the slaves; retrying in {} ms", METADATA_SYNC_INTERVAL_MS, e);
        }
    }

    /**
     * Master: publishes the metadata now and waits until every in-sync slave applied it, at most
     * {@code replicaAckTimeoutMs} (an admin change of a topic returns after its slaves hold it, so a failover
     * never loses a topic the admin was told exists). Blocks: call it from an admin thread, never an I/O thread.
     *
     * @return whether every in-sync slave applied it in time (true at once on a slave or without slaves)
     */
    public boolean replicateMetadataNow() {
        return replicateMetadataNow(config.replicaAckTimeoutMs());
    }

    private boolean replicateMetadataNow(long timeoutMs) {
        MetadataPublication p = publication;
        InSyncReplicas replicas = isr;
        if (role != BrokerRole.MASTER || p == null || replicas == null) {
            return true;
        }
        return p.publishAndAwait(replicas, timeoutMs);
    }

    /** The replication server while master, else null; for tests. */
    HaServer haServer() {
        return server;
    }

    /** The replication client while slave, else null; for tests. */
    HaClient haClient() {
        return client;
    }

    /** The port slaves fetch from (masters only). */
    public int haPort() {
        HaServer s = server;
        if (s == null) {
            throw new IllegalStateException("replica " + replicaId + " of group " + group + " is not master and"
                    + " serves no HA port now");
        }
        return s.localPort();
    }

    @Override
    public CompletableFuture<PutResult> put(Supplier<CompletableFuture<PutResult>> put) {
        InSyncReplicas replicas;
        boolean sync = config.replicationMode() == ReplicationMode.SYNC;
        CompletableFuture<PutResult> local;
        roleLock.readLock().lock();
        try {
            replicas = isr;
            if (role == BrokerRole.SLAVE || replicas == null && controlled) {
                return CompletableFuture.failedFuture(notMaster());
            }
            if (handingOver) {
                return CompletableFuture.failedFuture(new ReplicationException(ResponseCode.NOT_MASTER, "broker "
                        + group + " replica " + replicaId + " is shutting down and hands the master role to an"
                        + " in-sync slave: refresh the route and send to the new master", null));
            }
            if (sync) {
                try {
                    replicas.checkEnoughInSync();
                } catch (ReplicationException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            java.util.function.LongSupplier lease = leaseValidUntilNanos;
            if (lease != null && (!sync || replicas.inSyncCount() <= 1)) {
                long until = lease.getAsLong();
                long now = System.nanoTime();
                // MIN_VALUE: no leader answered yet; MAX_VALUE: never lapses (tests); compared by difference
                if (until != Long.MAX_VALUE && (until == Long.MIN_VALUE || until - now <= 0)) {
                    return CompletableFuture.failedFuture(leaseLapsed(until == Long.MIN_VALUE ? -1 : now - until));
                }
            }
            local = put.get();
        } finally {
            roleLock.readLock().unlock();
        }
        HaServer s = server;
        if (s != null) {
            s.onAppended();
        }
        if (!sync) {
            return local;
        }
        return local.thenCompose(result -> replicas.awaitCommit(result.endOffset(), config.replicaAckTimeoutMs())
                .thenApply(v -> result));
    }

    private ReplicationException leaseLapsed(long agoNanos) {
        return new ReplicationException(ResponseCode.NOT_MASTER, "broker " + group + " replica " + replicaId
                + " was master of epoch " + masterEpoch + " but "
                + (agoNanos < 0 ? "has not heard the controller's leader yet" : "its controller lease lapsed "
                + TimeUnit.NANOSECONDS.toMillis(agoNanos) + " ms ago (no answer from the controller's leader)")
                + ", so past its lease another replica may be master"
                + " now, and it takes no write it would acknowledge alone: refresh the route and send to the current"
                + " master (if this broker is still master, it takes writes again once the controller answers)",
                null);
    }

    private ReplicationException notMaster() {
        if (!controlled) {
            return new ReplicationException(ResponseCode.NO_PERMISSION, "broker " + group + " replica " + replicaId
                    + " is a SLAVE and takes no writes; send to its master");
        }
        String master = masterBrokerAddress;
        return new ReplicationException(ResponseCode.NOT_MASTER, "broker " + group + " replica " + replicaId
                + " is not master" + (master == null ? " and the controller has named no master yet; retry shortly"
                : "; the master of epoch " + followedEpoch + " is " + master + ": refresh the route and send there"),
                master);
    }

    /** Role, epoch, offsets and, on a master, every slave with its lag: {@code admin cluster stats}. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("haRole", role.name());
        if (controlled) {
            out.put("haControlled", "true");
            out.put("haEpoch", Integer.toString(epoch()));
        }
        out.put("haReplicaId", Integer.toString(replicaId));
        out.put("haReplicationMode", config.replicationMode().name());
        ReplicaMeta m = meta;
        if (m != null) {
            out.put("haStoreUuid", m.storeUuid().toString());
            out.put("haIncarnation", Long.toString(m.incarnation()));
        }
        out.put("haMaxOffset", Long.toString(store.commitLogMaxOffset()));
        java.util.function.LongSupplier lease = leaseValidUntilNanos;
        if (lease != null && role == BrokerRole.MASTER) {
            long until = lease.getAsLong();
            out.put("haLeaseLeftMs", until == Long.MIN_VALUE ? "none"
                    : Long.toString(TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        }
        HaClient c = client;
        if (c != null) {
            out.put("haMasterAddress", c.masterAddress());
            out.put("haMasterEpoch", Integer.toString(c.masterEpoch()));
            out.put("haConfirmOffset", Long.toString(c.confirmOffset()));
            long masterMax = c.masterMaxOffset();
            out.put("haLagBytes", masterMax < 0 ? "unknown" : Long.toString(Math.max(0, masterMax - store.commitLogMaxOffset())));
            out.put("haLastMasterContactMs", Long.toString(c.lastContactMs()));
            out.put("haTruncatedBytes", Long.toString(c.truncatedBytes()));
            out.put("haMetadataVersion", Long.toString(c.appliedMetadataVersion()));
        }
        InSyncReplicas replicas = isr;
        if (replicas != null) {
            out.put("haMasterEpoch", Integer.toString(masterEpoch));
            out.put("haConfirmOffset", Long.toString(replicas.commitPoint()));
            out.put("haInSyncReplicas", Integer.toString(replicas.inSyncCount()));
            MetadataPublication published = publication;
            if (published != null) {
                out.put("haMetadataVersion", Long.toString(published.version()));
            }
            for (InSyncReplicas.ReplicaView r : replicas.view()) {
                String p = "haReplica." + r.replicaId() + ".";
                out.put(p + "inSync", Boolean.toString(r.inSync()));
                out.put(p + "ackOffset", Long.toString(r.ackOffset()));
                out.put(p + "lagBytes", Long.toString(r.lagBytes()));
                out.put(p + "lagMs", Long.toString(r.lagMs()));
                out.put(p + "storeUuid", r.storeUuid());
                out.put(p + "incarnation", Long.toString(r.incarnation()));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (persister != null) {
            persister.shutdownNow();
        }
        if (server != null) {
            // the last offsets reach the slaves before the master stops; a dead slave delays the stop by 1 s at most
            replicateMetadataNow(Math.min(config.replicaAckTimeoutMs(), SHUTDOWN_METADATA_WAIT_MS));
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (meta != null) {
            persistCommitPoint();
        }
        if (isr != null) {
            isr.failAll("the broker is shutting down; the message was stored on the master but its replication"
                    + " was not confirmed");
            acceptingLog.stopped(masterEpoch);
        }
    }
}
