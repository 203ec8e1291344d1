package io.tidemq.namesrv.replication;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The NameServers this one sends registry operations to ({@link NamesrvReplicator}): every backup on the primary,
 * the successor in CHAIN mode. Each link opens with NS_REPL_HELLO, then sends NS_REPL_APPEND batches from the
 * {@link OpLog}, or NS_REPL_SNAPSHOT when the ring no longer holds the target's position or their histories
 * diverged; it backs off {@value #RETRY_MS} ms after a failure and keeps an idle connection open with empty appends.
 * In SYNC mode it keeps the sync set (a backup joins within half of {@code namesrvBackupLagMaxMs}, leaves beyond it),
 * and it answers whether an operation is acknowledged as the mode requires ({@link #satisfied}).
 *
 * <p>Threads: the replication thread ({@value NamesrvReplicator#THREAD_NAME}) owns every link and calls every method;
 * answers come back onto it through {@code thread}.
 */
final class DownstreamLinks {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamLinks.class);
    private static final long RETRY_MS = 200;
    /** Below the smallest brokerExpireMs-based idle close (1 s) of a NameServer's connections. */
    private static final long KEEP_ALIVE_MS = 500;

    private final NamesrvConfig config;
    private final ReplicationMode mode;
    private final String self;
    private final OpLog log;
    private final LongSupplier clockMs;
    /** Thread-safe. */
    private final NettyRemotingClient client;
    /** The replication thread. */
    private final ScheduledExecutorService thread;
    /** The replicator's current topology (a volatile read). */
    private final Supplier<Topology> topology;
    /** A snapshot of the registry and its position, taken on the event thread. */
    private final Supplier<CompletableFuture<RegistrySnapshot>> snapshots;
    /** Told on the replication thread after a link's acknowledgement or sync-set place changed (waiters re-check). */
    private final Runnable onAcknowledged;
    /** Downstream NameServer → its link; replication thread only. */
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final AtomicLong snapshotsSent = new AtomicLong();

    DownstreamLinks(NamesrvConfig config, OpLog log, LongSupplier clockMs, NettyRemotingClient client,
                    ScheduledExecutorService thread, Supplier<Topology> topology,
                    Supplier<CompletableFuture<RegistrySnapshot>> snapshots, Runnable onAcknowledged) {
        this.config = config;
        this.mode = config.namesrvReplicationMode();
        this.self = config.selfAddr();
        this.log = log;
        this.clockMs = clockMs;
        this.client = client;
        this.thread = thread;
        this.topology = topology;
        this.snapshots = snapshots;
        this.onAcknowledged = onAcknowledged;
    }

    /** One downstream NameServer; replication thread only. */
    private static final class Link {
        final String target;
        /** Operations after this one are sent next (its last applied one); -1 = unknown or it needs a snapshot. */
        long position = -1;
        /** The last operation it acknowledged (CHAIN: for the rest of the chain too); -1 = none yet. */
        long ackedSeq = -1;
        boolean helloDone;
        boolean inFlight;
        boolean inSyncSet;
        boolean closed;
        /** When the last request went out (a keep-alive follows an idle second: NameServers close idle connections). */
        long lastSentMs;
        /** A retry is scheduled; no other send until it runs. */
        boolean backingOff;
        String lastError;

        Link(String target) {
            this.target = target;
        }
    }

    /** Sends what is due on every link. */
    void pumpAll() {
        for (Link l : links.values()) {
            pump(l);
        }
    }

    /** Sends what is due on every link, and an empty append on a link idle for {@value #KEEP_ALIVE_MS} ms. */
    void pumpAll(long now) {
        for (Link l : links.values()) {
            pump(l, l.helloDone && now - l.lastSentMs >= KEEP_ALIVE_MS);
        }
    }

    /**
     * One link per target: links to other NameServers close; the kept ones open again with a handshake (it tells the
     * new epoch and topology); new ones open.
     */
    void retarget(List<String> targets) {
        Iterator<Map.Entry<String, Link>> it = links.entrySet().iterator();
        while (it.hasNext()) {
            Link l = it.next().getValue();
            if (!targets.contains(l.target)) {
                l.closed = true;
                it.remove();
            } else {
                l.helloDone = false;
            }
        }
        for (String target : targets) {
            links.computeIfAbsent(target, Link::new);
        }
    }

    /** SYNC: updates every link's place in the sync set (see {@link #updateSyncSet(Link, long)}). */
    void updateSyncSet(long now) {
        for (Link l : links.values()) {
            updateSyncSet(l, now);
        }
    }

    /** One entry per link, for NS_REPL_STATUS. */
    List<ReplicationStatus.Downstream> status(long now) {
        List<ReplicationStatus.Downstream> down = new ArrayList<>();
        for (Link l : links.values()) {
            down.add(new ReplicationStatus.Downstream(l.target, l.ackedSeq,
                    l.ackedSeq < 0 ? log.lastSeq() : Math.max(0, log.lastSeq() - l.ackedSeq), lagMs(l, now),
                    l.inSyncSet, l.lastError));
        }
        return down;
    }

    long snapshotsSent() {
        return snapshotsSent.get();
    }

    private void pump(Link l) {
        pump(l, false);
    }

    /** @param keepAlive send an empty append even when nothing is due (the connection was idle) */
    private void pump(Link l, boolean keepAlive) {
        if (l.closed || l.inFlight || l.backingOff) {
            return;
        }
        Topology t = topology.get();
        if (!l.helloDone) {
            RemotingCommand hello = RemotingCommand.createRequest(RequestCode.NS_REPL_HELLO)
                    .putField("epoch", t.epoch()).putField("primary", t.primary()).putField("peers", t.peersText());
            send(l, hello, resp -> onHelloAnswer(l, resp));
            return;
        }
        List<RegistryOp> ops = log.after(l.position, NamesrvReplicator.BATCH_OPS);
        if (ops == null) {
            sendSnapshot(l);
        } else if (!ops.isEmpty() || l.ackedSeq < l.position || keepAlive) {
            // an empty append asks for the acknowledgement of what it already applied (CHAIN: once its successor did)
            RemotingCommand append = RemotingCommand.createRequest(RequestCode.NS_REPL_APPEND)
                    .putField("epoch", t.epoch()).putField("prevSeq", l.position).setBody(Json.toBytes(ops));
            send(l, append, resp -> onAckAnswer(l, resp));
        }
    }

    private void sendSnapshot(Link l) {
        l.inFlight = true;
        snapshots.get().whenCompleteAsync((s, e) -> {
            l.inFlight = false;
            if (e != null) {
                failed(l, "cannot take a snapshot: " + NamesrvReplicator.rootMessage(e));
                return;
            }
            snapshotsSent.incrementAndGet();
            LOG.info("NameServer {} sends {} a snapshot at operation {} (its position is not in the ring of {}..{})",
                    self, l.target, s.seq(), log.firstSeq(), log.lastSeq());
            RemotingCommand req = RemotingCommand.createRequest(RequestCode.NS_REPL_SNAPSHOT)
                    .putField("epoch", topology.get().epoch()).setBody(Json.toBytes(s));
            send(l, req, resp -> onAckAnswer(l, resp));
        }, thread);
    }

    /** Sends on the link; the answer is handled on the replication thread. */
    private void send(Link l, RemotingCommand request, Consumer<RemotingCommand> onAnswer) {
        l.inFlight = true;
        l.lastSentMs = clockMs.getAsLong();
        client.invokeAsync(l.target, request, NamesrvReplicator.RPC_TIMEOUT_MS + config.namesrvBackupLagMaxMs())
                .whenCompleteAsync((resp, error) -> {
                    l.inFlight = false;
                    if (l.closed) {
                        return;
                    }
                    if (error != null) {
                        failed(l, NamesrvReplicator.rootMessage(error));
                    } else {
                        onAnswer.accept(resp);
                    }
                }, thread);
    }

    private void onHelloAnswer(Link l, RemotingCommand resp) {
        if (resp.code() != ResponseCode.SUCCESS.code()) {
            failed(l, "hello refused: " + ResponseCode.describe(resp.code()) + " " + resp.remark());
            return;
        }
        long theirSeq = resp.fieldAsLong("lastSeq");
        long theirEpoch = resp.fieldAsLong("lastEpoch");
        l.helloDone = true;
        l.lastError = null;
        if (log.matches(theirSeq, theirEpoch)) {
            l.position = theirSeq;
            l.ackedSeq = Math.min(theirSeq, resp.fieldAsLong("ackedSeq", theirSeq));
        } else {
            // its history is longer than ours or diverged (an operation of a primary that died before sending it
            // to us): only a snapshot makes it equal
            l.position = -1;
            l.ackedSeq = -1;
            LOG.info("NameServer {}: {} is at operation {} of epoch {}, not in this history (at {}); it gets a snapshot",
                    self, l.target, theirSeq, theirEpoch, log.lastSeq());
        }
        updateSyncSet(l, clockMs.getAsLong());
        onAcknowledged.run();
        pump(l);
    }

    private void onAckAnswer(Link l, RemotingCommand resp) {
        int code = resp.code();
        if (code == ResponseCode.SUCCESS.code()) {
            long seq = resp.fieldAsLong("lastSeq");
            if (seq < l.position) {
                // it holds less than it acknowledged before: it restarted; only a new handshake tells what it holds
                LOG.info("NameServer {}: {} answers at operation {}, behind the {} it held; opening replication again",
                        self, l.target, seq, l.position);
                l.helloDone = false;
                l.position = -1;
                l.ackedSeq = -1;
                pump(l);
                return;
            }
            l.position = Math.max(l.position, seq);
            l.ackedSeq = Math.max(l.ackedSeq, seq);
            l.lastError = null;
            updateSyncSet(l, clockMs.getAsLong());
            onAcknowledged.run();
            pump(l);
        } else if (code == ResponseCode.NAMESRV_REPLICATION_GAP.code()) {
            l.helloDone = false;
            pump(l);
        } else {
            // NAMESRV_ACK_TIMEOUT (CHAIN: it applied, its successor did not acknowledge), FENCED, busy...: nothing is
            // acknowledged; open again after a pause (the handshake tells what it holds)
            failed(l, ResponseCode.describe(code) + " " + resp.remark());
        }
    }

    private void failed(Link l, String error) {
        if (!error.equals(l.lastError)) {
            LOG.warn("NameServer {} cannot replicate to {}: {}; retrying every {} ms", self, l.target, error, RETRY_MS);
        }
        l.lastError = error;
        l.helloDone = false;
        l.backingOff = true;
        thread.schedule(() -> {
            l.backingOff = false;
            pump(l);
        }, RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private long lagMs(Link l, long now) {
        if (l.ackedSeq >= log.lastSeq()) {
            return 0;
        }
        long appended = l.ackedSeq < 0 ? -1 : log.appendedMsAfter(l.ackedSeq);
        return appended < 0 ? Long.MAX_VALUE : Math.max(0, now - appended);
    }

    /** SYNC: a backup joins the sync set once within half the lag limit, and leaves it beyond the limit. */
    private void updateSyncSet(Link l, long now) {
        if (mode != ReplicationMode.SYNC) {
            return;
        }
        // a link re-opening after a lost connection keeps its place until its lag (from what it acknowledged)
        // passes the limit: a blip is not a lagging backup
        long lag = lagMs(l, now);
        if (!l.inSyncSet && lag <= config.namesrvBackupLagMaxMs() / 2) {
            l.inSyncSet = true;
            LOG.info("NameServer {}: {} joins the sync set at operation {}", self, l.target, l.ackedSeq);
        } else if (l.inSyncSet && lag > config.namesrvBackupLagMaxMs()) {
            l.inSyncSet = false;
            LOG.warn("NameServer {}: {} leaves the sync set: {} ms behind (namesrvBackupLagMaxMs {}); registrations"
                    + " no longer wait for it", self, l.target, lag == Long.MAX_VALUE ? "unknown" : lag,
                    config.namesrvBackupLagMaxMs());
        }
    }

    /** Whether the mode's condition holds for every operation up to {@code seq}. */
    boolean satisfied(long seq) {
        return switch (mode) {
            case NONE, ASYNC -> true;
            case SYNC -> links.values().stream().filter(l -> l.inSyncSet).allMatch(l -> l.ackedSeq >= seq);
            case SEMI_SYNC -> links.values().stream().filter(l -> l.ackedSeq >= seq).count()
                    >= config.namesrvSemiSyncAcks();
            case CHAIN -> links.values().stream().allMatch(l -> l.ackedSeq >= seq);
        };
    }

    /** Where each link stands, for a timeout's message. */
    String acksText() {
        StringBuilder sb = new StringBuilder();
        for (Link l : links.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(l.target).append(" at ").append(l.ackedSeq)
                    .append(l.lastError == null ? "" : " (" + l.lastError + ")");
        }
        return sb.length() == 0 ? "no downstream NameServer" : sb.toString();
    }

    /**
     * Replication thread: the last operation this NameServer may acknowledge upstream: its last applied one, or in
     * CHAIN mode the last its successor acknowledged (the rest of the chain applied it too).
     */
    long confirmedSeq() {
        long confirmed = log.lastSeq();
        if (mode == ReplicationMode.CHAIN) {
            for (Link l : links.values()) {
                confirmed = Math.min(confirmed, l.ackedSeq);
            }
        }
        return confirmed;
    }
}
