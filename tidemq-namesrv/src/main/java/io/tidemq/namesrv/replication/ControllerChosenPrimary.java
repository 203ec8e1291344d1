package io.tidemq.namesrv.replication;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The primary role when the failover controller chooses it (docs/namesrv.md, "Replication"): the NameServer beside
 * the controller's Ratis leader catches up from the most advanced reachable peer, then claims the primary role with
 * the leader's term as its epoch; in CHAIN mode it follows the chain order the controller stores, and as primary it
 * repairs the chain when a member falls silent or answers again. {@link NamesrvReplicator} owns the topology and the
 * links; this class only decides when a new topology is adopted ({@link Role#adopt}).
 *
 * <p>Threads: every method runs on the replication thread ({@value NamesrvReplicator#THREAD_NAME}), which owns the
 * fields below; futures complete back onto it through {@code thread}.
 */
final class ControllerChosenPrimary {

    /**
     * Under the controller the epoch is {@code term × EPOCHS_PER_TERM + chain repairs in that term}: a new leader's
     * epoch is above every repair of an older term, and a repair needs no new election.
     */
    static final long EPOCHS_PER_TERM = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(ControllerChosenPrimary.class);

    /** The replicator's role as this class reads and changes it; called on the replication thread. */
    interface Role {
        Topology topology();

        boolean isPrimary();

        /** Takes a topology of an equal or higher epoch; promotes or steps down as it says. */
        void adopt(Topology t);

        /** Replaces the registry and the position with a snapshot's, on the event thread. */
        CompletableFuture<Void> installSnapshot(RegistrySnapshot snap);
    }

    private final NamesrvConfig config;
    private final ReplicationMode mode;
    private final String self;
    private final PrimaryLeadership leadership;
    private final Role role;
    private final OpLog log;
    private final NamesrvEventBus bus;
    private final LongSupplier clockMs;
    /** Thread-safe. */
    private final NettyRemotingClient client;
    /** Runs tasks on the replication thread. */
    private final Executor thread;

    /** The last term in which the local controller peer led without this NameServer taking over (logged once). */
    private long refusedTerm = -1;

    ControllerChosenPrimary(NamesrvConfig config, PrimaryLeadership leadership, Role role, OpLog log,
                            NamesrvEventBus bus, LongSupplier clockMs, NettyRemotingClient client, Executor thread) {
        this.config = config;
        this.mode = config.namesrvReplicationMode();
        this.self = config.selfAddr();
        this.leadership = leadership;
        this.role = role;
        this.log = log;
        this.bus = bus;
        this.clockMs = clockMs;
        this.client = client;
        this.thread = thread;
    }


    /** Replication thread: the NameServer beside the controller's leader claims the primary role with its term. */
    void followLeadership() {
        followStoredChain();
        long term = leadership.leaderTerm();
        long base = term * EPOCHS_PER_TERM;
        if (term <= 0 || role.isPrimary() && role.topology().epoch() / EPOCHS_PER_TERM == term) {
            return;
        }
        if (base > role.topology().epoch()) {
            if (catchingUpForTerm >= 0) {
                return; // a catch-up runs; it re-checks the leadership when it ends
            }
            catchingUpForTerm = term;
            LOG.info("NameServer {}: the controller peer beside it leads in term {}; it catches up from the most"
                    + " advanced reachable backup before it becomes the primary", self, term);
            catchUp(0).thenComposeAsync(v -> takePrimaryRole(term, base), thread).whenCompleteAsync((v, e) -> {
                catchingUpForTerm = -1;
                if (e != null) {
                    LOG.warn("NameServer {}: catch-up before taking the primary role failed ({}); it retries",
                            self, NamesrvReplicator.rootMessage(e));
                }
            }, thread);
        } else if (term != refusedTerm) {
            refusedTerm = term;
            LOG.warn("NameServer {}: its controller peer leads in term {}, but epoch {} (primary {}) is newer; it stays"
                    + " a backup (do not mix tidemq admin namesrv promote with controller-chosen primaries)", self,
                    term, role.topology().epoch(), role.topology().primary());
        }
    }

    /**
     * Replication thread, once caught up: the primary role for {@code term}, unless leadership moved on meanwhile.
     * In CHAIN mode with the chain stored by the controller, the new chain (this NameServer at the head, the others
     * in the stored order) is proposed first and taken only once committed.
     */
    private CompletableFuture<Void> takePrimaryRole(long term, long base) {
        if (leadership.leaderTerm() != term || base <= role.topology().epoch()) {
            LOG.info("NameServer {}: leadership moved on during its catch-up (term {}); it stays a backup", self, term);
            return CompletableFuture.completedFuture(null);
        }
        PrimaryLeadership.StoredChain stored = mode == ReplicationMode.CHAIN ? leadership.storedChain() : null;
        if (stored == null) {
            LOG.info("NameServer {}: caught up at operation {} (epoch {}); it becomes the primary in term {}",
                    self, log.lastSeq(), log.lastEpoch(), term);
            role.adopt(new Topology(base, self, role.topology().peers()));
            return CompletableFuture.completedFuture(null);
        }
        List<String> chain = new ArrayList<>();
        chain.add(self);
        for (String m : stored.chain().isEmpty() ? config.peers() : stored.chain()) {
            if (!m.equals(self)) {
                chain.add(m);
            }
        }
        long epoch = Math.max(stored.epoch() + 1, base);
        return leadership.proposeChain(stored.epoch(), epoch, chain).thenAcceptAsync(committed -> {
            if (!committed) {
                LOG.warn("NameServer {}: the controller did not commit the chain {} at epoch {} (stored: epoch {});"
                        + " it stays a backup and retries", self, chain, epoch, stored.epoch());
                return;
            }
            LOG.info("NameServer {}: caught up at operation {}; the controller committed the chain {} at epoch {};"
                    + " it is the head (primary) in term {}", self, log.lastSeq(), chain, epoch, term);
            role.adopt(new Topology(epoch, self, chain));
        }, thread);
    }

    /**
     * Replication thread, CHAIN under a controller that stores the chain: a newer chain order committed there is
     * followed at once (a NameServer learns it even when the head that proposed it died before telling it).
     */
    private void followStoredChain() {
        if (mode != ReplicationMode.CHAIN) {
            return;
        }
        PrimaryLeadership.StoredChain c = leadership.storedChain();
        if (c == null || c.epoch() <= role.topology().epoch() || c.chain().isEmpty()) {
            return;
        }
        LOG.info("NameServer {} follows the controller's chain {} at epoch {}", self, c.chain(), c.epoch());
        role.adopt(new Topology(c.epoch(), c.chain().get(0), c.chain()));
    }

    /** A chain repair proposed to the controller and not answered yet; replication thread only. */
    private boolean repairProposed;

    /** The term whose catch-up runs (see {@link #catchUp}), -1 when none; replication thread only. */
    private long catchingUpForTerm = -1;
    /** Rounds of {@link #catchUp} before it gives up (the next tick starts again). */
    private static final int CATCH_UP_ROUNDS = 100;

    /**
     * Replication thread, before this NameServer takes the primary role under the controller (the Ratis election
     * ignores how far each NameServer got, so the new leader's one may lack acknowledged registrations): asks every
     * other peer for its position and, while one is ahead (a later epoch, or the same epoch and more operations),
     * pulls from the most advanced one the operations after its own position, or a snapshot (NS_REPL_FETCH). Peers
     * that do not answer within namesrvBackupLagMaxMs are left out: what only they hold is lost.
     */
    private CompletableFuture<Void> catchUp(int round) {
        List<String> others = config.peers().stream().filter(p -> !p.equals(self)).toList();
        long timeoutMs = Math.min(NamesrvReplicator.RPC_TIMEOUT_MS, config.namesrvBackupLagMaxMs());
        List<CompletableFuture<long[]>> asks = new ArrayList<>();
        for (String peer : others) {
            asks.add(client.invokeAsync(peer, RemotingCommand.createRequest(RequestCode.NS_REPL_STATUS), timeoutMs)
                    .handle((resp, error) -> {
                        if (error != null || resp.code() != ResponseCode.SUCCESS.code()) {
                            return null;
                        }
                        ReplicationStatus st = Json.fromBytes(resp.body(), ReplicationStatus.class);
                        return new long[] {st.lastEpoch(), st.lastSeq()};
                    }));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenComposeAsync(v -> {
            String best = null;
            long[] bestPos = {log.lastEpoch(), log.lastSeq()};
            for (int i = 0; i < others.size(); i++) {
                long[] pos = asks.get(i).join();
                if (pos != null && (pos[0] > bestPos[0] || pos[0] == bestPos[0] && pos[1] > bestPos[1])) {
                    best = others.get(i);
                    bestPos = pos;
                }
            }
            if (best == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (round >= CATCH_UP_ROUNDS) {
                return CompletableFuture.failedFuture(new IllegalStateException("still behind " + best + " after "
                        + round + " rounds"));
            }
            String from = best;
            RemotingCommand fetch = RemotingCommand.createRequest(RequestCode.NS_REPL_FETCH)
                    .putField("afterSeq", log.lastSeq()).putField("afterEpoch", log.lastEpoch());
            return client.invokeAsync(from, fetch, NamesrvReplicator.RPC_TIMEOUT_MS + config.namesrvBackupLagMaxMs())
                    .thenCompose(resp -> applyFetched(from, resp))
                    .thenComposeAsync(applied -> catchUp(round + 1), thread);
        }, thread);
    }

    /** Applies an NS_REPL_FETCH answer on the event thread, as a backup applies appends and snapshots. */
    private CompletableFuture<Void> applyFetched(String from, RemotingCommand resp) {
        if (resp.code() != ResponseCode.SUCCESS.code()) {
            return CompletableFuture.failedFuture(new IllegalStateException(from + " refused the fetch: "
                    + ResponseCode.describe(resp.code()) + " " + resp.remark()));
        }
        if ("SNAPSHOT".equals(resp.field("kind"))) {
            RegistrySnapshot snap = Json.fromBytes(resp.body(), RegistrySnapshot.class);
            return role.installSnapshot(snap).thenAccept(done -> {
                LOG.info("NameServer {} installed a snapshot from {} at operation {} (epoch {}) before taking the"
                        + " primary role", self, from, snap.seq(), snap.lastEpoch());
            });
        }
        List<RegistryOp> ops = Json.mapper().convertValue(Json.fromBytes(resp.body(), List.class),
                new TypeReference<List<RegistryOp>>() { });
        return bus.publishReplicated(() -> {
            List<NamesrvEvent> events = new ArrayList<>(ops.size());
            long now = clockMs.getAsLong();
            for (RegistryOp op : ops) {
                if (op.seq() != log.lastSeq() + 1 || op.epoch() < log.lastEpoch()) {
                    break; // the next round asks again from the position reached
                }
                log.append(op, now);
                events.add(op.toEvent());
            }
            return events;
        }).thenAccept(applied -> LOG.info("NameServer {} pulled {} operation(s) from {} before taking the primary"
                + " role (now at {})", self, applied.size(), from, log.lastSeq()));
    }

    /** Peer → when it last answered a probe; replication thread only (chain repair under the controller). */
    private final Map<String, Long> lastAnswerMs = new HashMap<>();
    /** Peers with a probe in flight; replication thread only. */
    private final Set<String> probing = new HashSet<>();

    /**
     * Replication thread, CHAIN under the controller, on the primary: probes every configured peer; a chain member
     * silent for longer than {@code namesrvBackupLagMaxMs} leaves the chain (its predecessor then re-sends to its
     * new successor what that one lacks), a peer answering again joins at the tail; each change is a new epoch of
     * the same term, told down the chain by the handshakes.
     */
    void repairChain(long now) {
        if (mode != ReplicationMode.CHAIN || !role.isPrimary()) {
            return;
        }
        for (String peer : config.peers()) {
            if (peer.equals(self) || probing.contains(peer)) {
                continue;
            }
            lastAnswerMs.putIfAbsent(peer, now);
            probing.add(peer);
            client.invokeAsync(peer, RemotingCommand.createRequest(RequestCode.NS_REPL_STATUS), config.namesrvBackupLagMaxMs())
                    .whenCompleteAsync((resp, error) -> {
                        probing.remove(peer);
                        if (error == null && resp.code() == ResponseCode.SUCCESS.code()) {
                            lastAnswerMs.put(peer, clockMs.getAsLong());
                        }
                    }, thread);
        }
        Topology t = role.topology();
        List<String> members = new ArrayList<>(t.peers());
        List<String> dead = new ArrayList<>();
        for (String m : members) {
            if (!m.equals(self) && now - lastAnswerMs.getOrDefault(m, now) > config.namesrvBackupLagMaxMs()) {
                dead.add(m);
            }
        }
        List<String> back = new ArrayList<>();
        for (String p : config.peers()) {
            if (!members.contains(p) && now - lastAnswerMs.getOrDefault(p, 0L) < config.namesrvBackupLagMaxMs() / 2) {
                back.add(p);
            }
        }
        if (dead.isEmpty() && back.isEmpty()) {
            return;
        }
        members.removeAll(dead);
        members.addAll(back);
        PrimaryLeadership.StoredChain stored = leadership.storedChain();
        if (stored != null && repairProposed) {
            return;
        }
        LOG.warn("NameServer {} repairs the chain (epoch {} -> {}): {}{}chain {}{}", self, t.epoch(), t.epoch() + 1,
                dead.isEmpty() ? "" : "silent for > " + config.namesrvBackupLagMaxMs() + " ms: " + dead + "; ",
                back.isEmpty() ? "" : "back: " + back + "; ", members,
                stored == null ? "" : " (proposed to the controller)");
        Topology next = new Topology(t.epoch() + 1, self, members);
        if (stored == null) {
            role.adopt(next);
            return;
        }
        repairProposed = true;
        leadership.proposeChain(t.epoch(), next.epoch(), members).whenCompleteAsync((committed, e) -> {
            repairProposed = false;
            if (e == null && committed) {
                role.adopt(next);
            } else {
                LOG.warn("NameServer {}: the controller did not commit the chain repair to epoch {}{}; the next check"
                        + " tries again", self, next.epoch(), e == null ? "" : " (" + NamesrvReplicator.rootMessage(e) + ")");
            }
        }, thread);
    }
}
