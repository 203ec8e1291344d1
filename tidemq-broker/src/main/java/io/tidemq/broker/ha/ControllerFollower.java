package io.tidemq.broker.ha;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.client.ReplicaAgent;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import io.tidemq.store.ha.ReplicaMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A broker with {@code controllerAddresses}: runs a {@link ReplicaAgent} (register, heartbeat every controller
 * peer) and turns each newer group state it hears into a role of {@link ReplicationService}: master in the
 * controller's epoch when the controller names this replica (in this incarnation), otherwise slave of the master
 * it names. As master it reports its in-sync set to the controller ({@code AlterIsr}) whenever it differs from the
 * controller's, so a slave that caught up becomes electable and one that fell behind no longer is; until the
 * controller takes a smaller set, every member of its set still counts for the commit point (the union rule).
 *
 * <p>Threads: the agent's thread ({@code tidemq-controller-agent}) changes roles; one scheduler thread
 * ({@code tidemq-controller-isr}) proposes in-sync set changes. Both only call thread-safe methods of
 * ReplicationService and ReplicaAgent; {@code roleListener} runs on the agent's thread.
 */
public final class ControllerFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerFollower.class);

    private final ReplicationService replication;
    private final ReplicaAgent agent;
    private final Runnable roleListener;
    private final long intervalMs;
    private final ReplicaMeta meta;
    private volatile ScheduledExecutorService isrSync;

    /**
     * @param controllers  every controller peer's {@code host:port}
     * @param brokerAddr   the address clients send to
     * @param haAddr       the address slaves fetch from when this replica is master
     * @param intervalMs   heartbeat and in-sync set check period
     * @param roleListener run after every role change (the broker registers again with the NameServers)
     */
    public ControllerFollower(ReplicationService replication, List<String> controllers, String brokerAddr,
                              String haAddr, int priority, long intervalMs, Runnable roleListener) {
        this.replication = replication;
        this.roleListener = roleListener;
        this.intervalMs = intervalMs;
        this.meta = replication.meta();
        ReplicaInfo self = new ReplicaInfo(replication.replicaId(), brokerAddr, haAddr, meta.storeUuid().toString(),
                meta.incarnation(), priority);
        this.agent = new ReplicaAgent(controllers, replication.group(), self, replication::lastEpoch,
                replication::maxOffset, intervalMs, this::follow);
        replication.useControllerLease(agent::leaseValidUntilNanos);
    }

    public void start() {
        agent.start();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidemq-controller-isr");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::syncIsrSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        isrSync = executor;
    }

    /** The newest group state heard, or null before the first answer. */
    public GroupState latest() {
        return agent.latest();
    }

    /** Agent thread: acts on a newer group state. A failure is logged and the next heartbeat offers it again. */
    private void follow(GroupState g) {
        int self = replication.replicaId();
        BrokerRole before = replication.role();
        int epochBefore = replication.epoch();
        ReplicaInfo master = g.master();
        if (master != null && g.masterId() == self && master.incarnation() == meta.incarnation()) {
            replication.becomeMaster(g.masterEpoch());
        } else if (master != null && g.masterId() != self) {
            replication.becomeSlave(g.masterEpoch(), master.haAddr(), master.brokerAddr());
        } else {
            // no master, or this replica named in an earlier incarnation: take no writes until an election
            replication.becomeSlave(g.masterEpoch(), null, null);
        }
        if (g.masterId() == self) {
            replication.controllerInSync(g.masterEpoch(), g.isr()); // members count for commits until dropped there
        }
        if (replication.role() != before || replication.epoch() != epochBefore) {
            LOG.info("replica {} of group {} is {} in epoch {} (controller: master {} in epoch {}, in-sync {})", self,
                    g.group(), replication.role(), replication.epoch(), g.masterId(), g.masterEpoch(), g.isr());
            roleListener.run();
        }
    }

    /**
     * Controlled shutdown (SIGTERM on a master): stops writes, waits until an in-sync slave holds the whole log, asks
     * the controller to elect it and waits until this replica follows it; a rolling restart then costs one forced
     * election instead of a lease. Gives up (the controller elects after the lease as after a crash) when no slave
     * catches up or no controller peer takes the election within {@code timeoutMs}. The shutdown thread.
     *
     * @return whether another replica was elected master before this one stops
     */
    public boolean handOver(long timeoutMs) {
        GroupState g = agent.latest();
        int self = replication.replicaId();
        if (g == null || g.masterId() != self || replication.role() != BrokerRole.MASTER) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int candidate = replication.prepareHandOver(timeoutMs);
        if (candidate < 0) {
            return false;
        }
        try {
            Reply reply = agent.elect(g.group(), candidate);
            if (!reply.accepted()) {
                LOG.warn("the controller refused to elect replica {} of group {} for the hand-over: {} {}", candidate,
                        g.group(), reply.outcome(), reply.detail());
                return false;
            }
        } catch (ControllerUnavailableException e) {
            LOG.warn("no controller peer took the hand-over election of replica {}: {}", candidate, e.getMessage());
            return false;
        }
        while (replication.role() == BrokerRole.MASTER && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the agent applies it
        }
        boolean handed = replication.role() != BrokerRole.MASTER;
        LOG.info("replica {} of group {} {} the master role to replica {} before stopping", self, g.group(),
                handed ? "handed" : "could not confirm it handed", candidate);
        return handed;
    }

    private void syncIsrSafely() {
        try {
            syncIsr();
        } catch (ControllerUnavailableException e) {
            LOG.debug("no controller peer took the in-sync set change: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("the in-sync set check failed; retrying in {} ms", intervalMs, e);
        }
    }

    /** Master: proposes the local in-sync set when it differs from the controller's, for this epoch. */
    private void syncIsr() throws ControllerUnavailableException {
        GroupState g = agent.latest();
        SortedSet<Integer> local = replication.inSyncReplicaIds();
        if (g == null || local == null || g.masterId() != replication.replicaId()
                || g.masterEpoch() != replication.epoch() || g.isr().equals(local)) {
            return;
        }
        Reply reply = agent.alterIsr(new Command.AlterIsr(g.group(), g.masterId(), g.masterEpoch(), g.isrEpoch(),
                local));
        if (reply.accepted()) {
            LOG.info("the controller took the in-sync set {} of group {} (was {})", local, g.group(), g.isr());
        } else {
            LOG.info("the controller refused the in-sync set {} of group {}: {} {}", local, g.group(),
                    reply.outcome(), reply.detail());
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService executor = isrSync;
        if (executor != null) {
            executor.shutdownNow();
        }
        agent.close();
    }
}
