package io.tidemq.namesrv.replication;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Replicates the route registry between NameServers (docs/namesrv.md, "Replication"; design ha.md §5.10).
 *
 * <p>On the primary, every registration, unregistration and eviction the event thread applies becomes a
 * {@link RegistryOp} (the bus's {@link io.tidemq.namesrv.event.EventJournal}) in the {@link OpLog}. A link per
 * downstream NameServer (every backup; in CHAIN mode only the successor; {@link DownstreamLinks}) opens with
 * NS_REPL_HELLO, then sends NS_REPL_APPEND batches from the ring, or NS_REPL_SNAPSHOT when the ring no longer holds
 * the backup's position or their histories diverged. A backup applies operations on its own event thread, in
 * sequence order, refusing an older epoch; in CHAIN mode it answers its predecessor only once its own successor
 * acknowledged (the tail's acknowledgement travels back to the head). A broker request waits
 * ({@link #awaitReplicated}) until the mode's condition holds, without blocking any thread.
 *
 * <p>Threads: the replication thread ({@value #THREAD_NAME}) owns the links, the sync set and the waiters (only
 * it touches them; others hand it work). The topology and the role are volatile snapshots read by the request
 * threads and the liveness scan.
 */
public final class NamesrvReplicator implements AutoCloseable {

    public static final String THREAD_NAME = "tidemq-namesrv-repl";
    /** Request field marking a registration a backup forwarded (the primary watches no connection for it). */
    public static final String FORWARDED_FIELD = "nsForwarded";

    private static final Logger LOG = LoggerFactory.getLogger(NamesrvReplicator.class);
    static final int BATCH_OPS = 512;
    static final long RPC_TIMEOUT_MS = 5_000;

    private final NamesrvConfig config;
    private final ReplicationMode mode;
    private final String self;
    private final NamesrvEventBus bus;
    private final RouteInfoManager registry;
    private final LongSupplier clockMs;
    private final OpLog log;
    /** Only when the mode is not NONE; thread-safe. */
    private final NettyRemotingClient client;
    /** The replication thread; null when the mode is NONE. */
    private final ScheduledExecutorService thread;

    /** Changed only on the replication thread, with a higher epoch; read anywhere. */
    private volatile Topology topology;
    /** Whether this NameServer is the primary (or replicates nothing); changed with {@link #topology}. */
    private volatile boolean primary;
    /** Whether the liveness scan and connection events may evict: the primary, once its timers restarted. */
    private volatile boolean evicting;

    /** The NameServers this one sends operations to; replication thread only. Null when the mode is NONE. */
    private final DownstreamLinks links;
    /** Broker requests waiting for acknowledgements, oldest first; replication thread only. */
    private final List<Waiter> waiters = new ArrayList<>();

    private final AtomicLong ackTimeouts = new AtomicLong();
    private final AtomicLong snapshotsInstalled = new AtomicLong();

    /** The controller's leadership when it chooses the primary, else null (the configured primary). */
    private final PrimaryLeadership leadership;
    /** Claims the primary role and repairs the chain under the controller; null without one. */
    private final ControllerChosenPrimary controllerChosen;

    public NamesrvReplicator(NamesrvConfig config, NamesrvEventBus bus, RouteInfoManager registry, LongSupplier clockMs) {
        this(config, bus, registry, clockMs, null);
    }

    /**
     * @param leadership when not null, the primary is the NameServer whose controller peer leads, with the Ratis
     *                   term as epoch; {@code namesrvPrimary} is then ignored and no NameServer is primary until a
     *                   leader is known
     */
    public NamesrvReplicator(NamesrvConfig config, NamesrvEventBus bus, RouteInfoManager registry, LongSupplier clockMs,
                             PrimaryLeadership leadership) {
        this.leadership = config.namesrvReplicationMode() == ReplicationMode.NONE ? null : leadership;
        this.config = config;
        this.mode = config.namesrvReplicationMode();
        this.self = config.selfAddr();
        this.bus = bus;
        this.registry = registry;
        this.clockMs = clockMs;
        this.log = new OpLog(config.namesrvOpRingSize());
        if (mode == ReplicationMode.NONE) {
            this.client = null;
            this.thread = null;
            this.topology = new Topology(0, self, List.of(self));
            this.primary = true;
            this.evicting = true;
        } else {
            this.client = new NettyRemotingClient(NettyClientConfig.builder().build());
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.single(THREAD_NAME, true));
            t.setRemoveOnCancelPolicy(true);
            this.thread = t;
            // a configured primary starts at epoch 1; a promotion (tidemq admin namesrv promote) moves to a higher one.
            // Under the controller nobody is primary (epoch 0, primary unknown) until the leader claims its term.
            boolean configured = this.leadership == null && config.namesrvPrimary().equals(self);
            this.topology = new Topology(configured ? 1 : 0, this.leadership == null ? config.namesrvPrimary() : "",
                    config.peers());
            this.primary = configured;
            this.evicting = primary;
        }
        this.links = thread == null ? null : new DownstreamLinks(config, log, clockMs, client, thread,
                () -> topology, this::takeSnapshot, this::checkWaiters);
        this.controllerChosen = this.leadership == null ? null : new ControllerChosenPrimary(config, this.leadership,
                new ControllerChosenPrimary.Role() {
                    @Override
                    public Topology topology() {
                        return topology;
                    }

                    @Override
                    public boolean isPrimary() {
                        return primary;
                    }

                    @Override
                    public void adopt(Topology t) {
                        NamesrvReplicator.this.adopt(t);
                    }

                    @Override
                    public CompletableFuture<Void> installSnapshot(RegistrySnapshot snap) {
                        return NamesrvReplicator.this.installSnapshot(snap);
                    }
                }, log, bus, clockMs, client, thread);
    }

    /**
     * Under the controller the epoch is {@code term × EPOCHS_PER_TERM + chain repairs in that term}
     * ({@link ControllerChosenPrimary}).
     */
    public static final long EPOCHS_PER_TERM = ControllerChosenPrimary.EPOCHS_PER_TERM;

    /** Starts the links and the lag check; installs the journal that numbers the primary's changes. */
    public void start() {
        if (thread == null) {
            return;
        }
        client.start();
        bus.setJournal(this::journal);
        long tick = Math.max(10, Math.min(250, config.namesrvBackupLagMaxMs() / 4));
        thread.scheduleWithFixedDelay(NamedThreadFactory.logging("NameServer replication tick", this::tick),
                tick, tick, TimeUnit.MILLISECONDS);
        onThread(this::rebuildLinks);
        if (controllerChosen != null) {
            onThread(controllerChosen::followLeadership);
        }
        LOG.info("NameServer replication {} started: {} is {} (epoch {}, primary {}, peers {}){}", mode, self,
                primary ? "PRIMARY" : "BACKUP", topology.epoch(),
                topology.primary().isEmpty() ? "(none yet)" : topology.primary(), topology.peers(),
                leadership == null ? "" : "; the primary is the NameServer beside the controller's leader");
    }

    public ReplicationMode mode() {
        return mode;
    }

    public boolean isPrimary() {
        return primary;
    }

    /** Whether the liveness scan and connection events may evict brokers here (only the primary evicts). */
    public boolean evicts() {
        return evicting;
    }

    /** Whether a broker's REGISTER/UNREGISTER must go to the primary instead of this NameServer's registry. */
    public boolean forwardsRegistrations() {
        return mode != ReplicationMode.NONE && !primary;
    }

    public Topology topology() {
        return topology;
    }

    public OpLog log() {
        return log;
    }

    // ------------------------------------------------------------------------------------------ primary: journal

    /** Event thread: numbers the primary's applied changes. A backup applies only replicated operations. */
    private void journal(List<NamesrvEvent> events) {
        if (!primary) {
            LOG.warn("NameServer {} is no longer the primary; {} local change(s) are not replicated: {}", self,
                    events.size(), events);
            return;
        }
        long epoch = topology.epoch();
        long now = clockMs.getAsLong();
        boolean appended = false;
        for (NamesrvEvent e : events) {
            RegistryOp op = RegistryOp.of(epoch, log.lastSeq() + 1, e);
            if (op != null) {
                log.append(op, now);
                appended = true;
            }
        }
        if (appended) {
            onThread(() -> links.pumpAll());
        }
    }

    /**
     * Completes once the mode's condition holds for every operation up to {@code seq}: at once in NONE and ASYNC;
     * in SYNC when every backup of the sync set acknowledged; in SEMI_SYNC when {@code namesrvSemiSyncAcks} did; in
     * CHAIN when the successor did (for the rest of the chain). Fails with {@link NamesrvAckTimeoutException}
     * after {@code namesrvBackupLagMaxMs} (twice that in SYNC, where a lagging backup leaves the set first).
     */
    public CompletableFuture<Void> awaitReplicated(long seq) {
        if (mode == ReplicationMode.NONE || mode == ReplicationMode.ASYNC && primary) {
            return CompletableFuture.completedFuture(null);
        }
        long waitMs = mode == ReplicationMode.SYNC ? 2 * config.namesrvBackupLagMaxMs() : config.namesrvBackupLagMaxMs();
        Waiter w = new Waiter(seq, clockMs.getAsLong() + waitMs, new CompletableFuture<>());
        onThread(() -> {
            waiters.add(w);
            checkWaiters();
        });
        return w.done;
    }

    /** The last operation applied here. */
    public long lastSeq() {
        return log.lastSeq();
    }

    // ------------------------------------------------------------------------------------------ forwarding

    /**
     * A backup's answer to a broker's REGISTER_BROKER or UNREGISTER_BROKER: the primary's answer to the same
     * request, or NOT_PRIMARY naming the primary when it cannot be reached.
     */
    public CompletableFuture<RemotingCommand> forward(RemotingCommand request) {
        String to = topology.primary();
        if (to.isEmpty()) {
            return CompletableFuture.completedFuture(notPrimary("no primary NameServer is known yet (the failover"
                    + " controller has no leader, or its leader's NameServer has not claimed the role); retry shortly"));
        }
        RemotingCommand copy = RemotingCommand.createRequest(request.code());
        request.fields().forEach(copy::putField);
        copy.putField(FORWARDED_FIELD, true).setBody(request.body());
        long timeoutMs = 2 * config.namesrvBackupLagMaxMs() + RPC_TIMEOUT_MS;
        return client.invokeAsync(to, copy, timeoutMs).handle((resp, error) -> {
            if (error == null) {
                return resp;
            }
            return notPrimary("this NameServer (" + self + ") is a backup and could not forward to the primary " + to
                    + ": " + rootMessage(error) + "; register with the primary, or retry once it is back or another"
                    + " NameServer is promoted (tidemq admin namesrv promote)");
        });
    }

    /** NOT_PRIMARY with the known primary in its {@code primaryAddr} field. */
    public RemotingCommand notPrimary(String remark) {
        return RemotingCommand.createResponse(ResponseCode.NOT_PRIMARY, remark)
                .putField("primaryAddr", topology.primary());
    }

    // ------------------------------------------------------------------------------------------ backup side

    /** NS_REPL_HELLO: adopt a newer topology; answer with this NameServer's position. */
    public CompletableFuture<RemotingCommand> onHello(RemotingCommand request) {
        long epoch = request.fieldAsLong("epoch");
        Topology t = new Topology(epoch, request.requiredField("primary"),
                Topology.parsePeers(request.requiredField("peers")));
        return supplyOnThread(() -> {
            if (epoch < topology.epoch()) {
                return fenced(epoch);
            }
            adopt(t);
            return RemotingCommand.success().putField("lastSeq", log.lastSeq()).putField("lastEpoch", log.lastEpoch())
                    .putField("ackedSeq", links.confirmedSeq()).putField("epoch", topology.epoch());
        });
    }

    /** NS_REPL_APPEND: apply the operations that follow this NameServer's position, in order. */
    public CompletableFuture<RemotingCommand> onAppend(RemotingCommand request) {
        long epoch = request.fieldAsLong("epoch");
        if (epoch < topology.epoch()) {
            return CompletableFuture.completedFuture(fenced(epoch));
        }
        List<RegistryOp> ops = Json.mapper().convertValue(Json.fromBytes(request.body(), List.class),
                new TypeReference<List<RegistryOp>>() { });
        long prevSeq = request.fieldAsLong("prevSeq", -1);
        boolean[] gap = new boolean[1];
        return bus.publishReplicated(() -> {
            List<NamesrvEvent> events = new ArrayList<>(ops.size());
            if (prevSeq > log.lastSeq()) {
                // the sender believes this NameServer holds operations it does not (it restarted, empty, at the same
                // address before the sender noticed): even an empty append must not be acknowledged
                gap[0] = true;
                return events;
            }
            long now = clockMs.getAsLong();
            for (RegistryOp op : ops) {
                if (op.seq() <= log.lastSeq()) {
                    continue; // already applied (a re-send after a lost acknowledgement)
                }
                if (op.seq() != log.lastSeq() + 1 || op.epoch() < log.lastEpoch()) {
                    gap[0] = true;
                    break;
                }
                log.append(op, now);
                events.add(op.toEvent());
            }
            return events;
        }).thenCompose(applied -> {
            long last = log.lastSeq();
            if (gap[0] && applied.isEmpty()) {
                return CompletableFuture.completedFuture(RemotingCommand.createResponse(
                        ResponseCode.NAMESRV_REPLICATION_GAP, "the operations do not follow operation " + last
                                + " applied here; open replication again with NS_REPL_HELLO")
                        .putField("lastSeq", last));
            }
            if (!applied.isEmpty()) {
                onThread(() -> links.pumpAll());
            }
            return acknowledged(last);
        });
    }

    /** NS_REPL_SNAPSHOT: replace the registry with the primary's at a sequence. */
    public CompletableFuture<RemotingCommand> onSnapshot(RemotingCommand request) {
        long epoch = request.fieldAsLong("epoch");
        if (epoch < topology.epoch()) {
            return CompletableFuture.completedFuture(fenced(epoch));
        }
        RegistrySnapshot snap = Json.fromBytes(request.body(), RegistrySnapshot.class);
        return installSnapshot(snap).thenCompose(done -> {
            LOG.info("NameServer {} installed a snapshot of the registry at operation {} (epoch {})", self, snap.seq(),
                    snap.lastEpoch());
            onThread(() -> links.pumpAll());
            return acknowledged(snap.seq());
        });
    }

    /** Replaces the registry and this NameServer's position with a snapshot's, on the event thread. */
    private CompletableFuture<Void> installSnapshot(RegistrySnapshot snap) {
        return bus.publishReplicated(() -> {
            registry.importState(snap.state());
            log.reset(snap.seq(), snap.lastEpoch());
            return List.of();
        }).thenAccept(done -> snapshotsInstalled.incrementAndGet());
    }

    /**
     * NS_REPL_FETCH: a NameServer about to become primary pulls what it lacks from this one (read-only): the
     * operations after its position when this history holds that position and the ring the next operation, else a
     * snapshot of this registry.
     */
    public CompletableFuture<RemotingCommand> onFetch(RemotingCommand request) {
        long afterSeq = request.fieldAsLong("afterSeq");
        long afterEpoch = request.fieldAsLong("afterEpoch");
        if (log.matches(afterSeq, afterEpoch)) {
            List<RegistryOp> ops = log.after(afterSeq, BATCH_OPS);
            if (ops != null) {
                return CompletableFuture.completedFuture(RemotingCommand.success().putField("kind", "OPS")
                        .putField("lastSeq", log.lastSeq()).putField("lastEpoch", log.lastEpoch())
                        .setBody(Json.toBytes(ops)));
            }
        }
        return takeSnapshot().thenApply(snap -> RemotingCommand.success().putField("kind", "SNAPSHOT")
                .putField("lastSeq", snap.seq()).putField("lastEpoch", snap.lastEpoch()).setBody(Json.toBytes(snap)));
    }

    /** The registry and its position, taken on the event thread (so they belong together). */
    private CompletableFuture<RegistrySnapshot> takeSnapshot() {
        CompletableFuture<RegistrySnapshot> snap = new CompletableFuture<>();
        bus.publishReplicated(() -> {
            snap.complete(new RegistrySnapshot(log.lastSeq(), log.lastEpoch(), registry.exportState()));
            return List.of();
        }).whenComplete((v, e) -> {
            if (e != null) {
                snap.completeExceptionally(e);
            }
        });
        return snap;
    }

    /** NS_REPL_TOPOLOGY: a new primary or chain order with a higher epoch (tidemq admin namesrv promote). */
    public CompletableFuture<RemotingCommand> onTopology(RemotingCommand request) {
        long epoch = request.fieldAsLong("epoch");
        Topology t = new Topology(epoch, request.requiredField("primary"),
                Topology.parsePeers(request.requiredField("peers")));
        if (!t.peers().contains(t.primary())) {
            return CompletableFuture.completedFuture(RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER,
                    "the primary " + t.primary() + " must be one of the peers " + t.peers()));
        }
        return supplyOnThread(() -> {
            if (t.equals(topology)) {
                return RemotingCommand.success().putField("epoch", epoch); // already learnt from the new primary's hello
            }
            if (epoch <= topology.epoch()) {
                return RemotingCommand.createResponse(ResponseCode.NAMESRV_FENCED, "epoch " + epoch
                        + " is not above this NameServer's epoch " + topology.epoch()
                        + "; a promotion needs a higher epoch (tidemq admin namesrv promote picks one)")
                        .putField("epoch", topology.epoch());
            }
            adopt(t);
            return RemotingCommand.success().putField("epoch", topology.epoch());
        });
    }

    /** NS_REPL_STATUS. */
    public CompletableFuture<ReplicationStatus> status(boolean withOps) {
        List<String> ops = withOps ? log.ops().stream().map(o -> o.seq() + ":" + o.epoch() + ":" + o.kind() + ":"
                + o.broker().brokerAddr()).toList() : List.of();
        if (thread == null) {
            return CompletableFuture.completedFuture(new ReplicationStatus(self, "STANDALONE", mode, 0, self, List.of(),
                    log.lastSeq(), log.lastEpoch(), log.firstSeq(), log.size(), List.of(), 0, 0, 0, ops));
        }
        return supplyOnThread(() -> {
            long now = clockMs.getAsLong();
            List<ReplicationStatus.Downstream> down = links.status(now);
            Topology t = topology;
            return new ReplicationStatus(self, primary ? "PRIMARY" : "BACKUP", mode, t.epoch(), t.primary(),
                    mode == ReplicationMode.CHAIN ? t.chain() : t.peers(), log.lastSeq(), log.lastEpoch(),
                    log.firstSeq(), log.size(), down, ackTimeouts.get(), links.snapshotsSent(), snapshotsInstalled.get(),
                    ops);
        });
    }

    private RemotingCommand fenced(long epoch) {
        return RemotingCommand.createResponse(ResponseCode.NAMESRV_FENCED, "epoch " + epoch + " is older than epoch "
                + topology.epoch() + " known here (primary " + topology.primary() + "); stop acting as primary")
                .putField("epoch", topology.epoch());
    }

    /** The answer to an upstream NameServer once the mode allows (CHAIN: once the successor acknowledged). */
    private CompletableFuture<RemotingCommand> acknowledged(long seq) {
        CompletableFuture<Void> wait = mode == ReplicationMode.CHAIN
                ? awaitReplicated(seq) : CompletableFuture.completedFuture(null);
        return wait.handle((v, error) -> error == null
                ? RemotingCommand.success().putField("lastSeq", seq)
                : RemotingCommand.createResponse(ResponseCode.NAMESRV_ACK_TIMEOUT, rootMessage(error))
                .putField("lastSeq", seq));
    }

    // ------------------------------------------------------------------------------------------ topology

    /** Replication thread: take a topology of an equal or higher epoch; promote or step down as it says. */
    private void adopt(Topology t) {
        Topology old = topology;
        if (t.epoch() < old.epoch() || t.equals(old)) {
            return;
        }
        if (t.epoch() == old.epoch() && !old.primary().isEmpty() && !t.primary().equals(old.primary())) {
            LOG.warn("NameServer {}: {} claims to be primary in epoch {}, which {} already holds; ignored (a new primary"
                    + " needs a higher epoch)", self, t.primary(), t.epoch(), old.primary());
            return;
        }
        boolean wasPrimary = primary;
        topology = t;
        primary = t.primary().equals(self);
        if (primary && !wasPrimary) {
            // heartbeats were not replicated: restart every liveness timer before the first scan may evict
            bus.publishReplicated(() -> {
                registry.restartLivenessTimers(clockMs.getAsLong());
                return List.of();
            }).whenComplete((v, e) -> {
                evicting = primary;
                LOG.info("NameServer {} PROMOTED to primary at epoch {} (operation {}); liveness timers restarted",
                        self, t.epoch(), log.lastSeq());
            });
        } else if (!primary) {
            evicting = false;
            if (wasPrimary) {
                LOG.warn("NameServer {} steps down: {} is the primary of epoch {}", self, t.primary(), t.epoch());
            }
        }
        if (!t.primary().equals(old.primary()) || !t.chain().equals(old.chain())) {
            LOG.info("NameServer {} follows topology epoch {}: primary {}, peers {}", self, t.epoch(), t.primary(),
                    t.peers());
        }
        rebuildLinks();
    }

    /** Replication thread: one link per NameServer this one sends operations to under the current topology. */
    private void rebuildLinks() {
        Topology t = topology;
        List<String> targets = new ArrayList<>();
        if (t.primary().isEmpty()) {
            targets.clear(); // no primary known yet (the controller has not chosen one): nothing to send
        } else if (mode == ReplicationMode.CHAIN) {
            String next = t.successor(self);
            if (next != null && (primary || t.chain().contains(self))) {
                targets.add(next);
            }
        } else if (primary) {
            for (String p : t.peers()) {
                if (!p.equals(self)) {
                    targets.add(p);
                }
            }
        }
        links.retarget(targets);
        checkWaiters();
        links.pumpAll();
    }

    private void tick() {
        if (controllerChosen != null) {
            controllerChosen.followLeadership();
            controllerChosen.repairChain(clockMs.getAsLong());
        }
        long now = clockMs.getAsLong();
        links.updateSyncSet(now);
        checkWaiters();
        links.pumpAll(now);
    }

    // ------------------------------------------------------------------------------------------ waiters

    private record Waiter(long seq, long deadlineMs, CompletableFuture<Void> done) {
    }

    private void checkWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        long now = clockMs.getAsLong();
        Iterator<Waiter> it = waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (links.satisfied(w.seq)) {
                it.remove();
                w.done.complete(null);
            } else if (now >= w.deadlineMs) {
                it.remove();
                ackTimeouts.incrementAndGet();
                w.done.completeExceptionally(new NamesrvAckTimeoutException("operation " + w.seq + " was applied on "
                        + self + " but not acknowledged as " + mode + " requires within "
                        + (mode == ReplicationMode.SYNC ? 2 : 1) + " x namesrvBackupLagMaxMs (" + links.acksText()
                        + "); it is not confirmed as replicated: the broker registers again at its next interval"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ plumbing

    private void onThread(Runnable task) {
        if (thread == null) {
            return;
        }
        try {
            thread.execute(NamedThreadFactory.logging("NameServer replication", task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("NameServer replication stopped; dropped a task");
        }
    }

    private <T> CompletableFuture<T> supplyOnThread(java.util.function.Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, thread);
    }

    static String rootMessage(Throwable e) {
        Throwable c = e;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdown();
        for (Waiter w : List.copyOf(waiters)) {
            w.done.completeExceptionally(new NamesrvAckTimeoutException("the NameServer is shutting down"));
        }
    }
}
