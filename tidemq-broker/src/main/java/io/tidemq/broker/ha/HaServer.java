package io.tidemq.broker.ha;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.netty.NettyIoThreads;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.EncodedFields;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.ha.EpochEntry;
import io.tidemq.store.ha.ReplicaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Master side of replication: a TideMQ-framed server on {@code haListenPort} answering HA_HELLO (the epoch
 * lineage), HA_FETCH (raw CommitLog bytes from the mapped files, never re-encoded, never across an epoch
 * end; each answer carries the metadata version), HA_METADATA (topics and consumer offsets) and HA_MERGE_OFFSETS
 * (consumer offsets a slave took while this master was away). A fetch held at
 * the log end is also answered when the metadata version moves, or when the commit point moved past what its replica
 * was told and no new bytes came to carry it within {@link #COMMIT_NEWS_DELAY_NS} (so a slave's consumers see a
 * committed record without waiting for {@code haFetchMaxWaitMs}). A fetch at the log end is held until bytes arrive ({@link #wakeUp()}, called after every put) or
 * {@code haFetchMaxWaitMs} passes.
 *
 * <p>Threads: HA_FETCH runs on the I/O thread of the slave's connection, the other requests on
 * {@code tidemq-ha-server} (one thread). In a broker those I/O threads are the client-facing server's
 * ({@link NettyIoThreads}): a sender whose connection shares the slave's event loop appends, answers the held fetch
 * (after the other requests of that read round) and, when the slave's next fetch arrives, completes its send on that
 * one thread. A held fetch is answered for new bytes on its connection's I/O thread, handed
 * there by the thread that appended them ({@link #onAppended()}) or by the fetch itself when the bytes came while it
 * was being held: one wake-up of that I/O thread per batch, which the write needs anyway. Commit news no bytes carried within {@link #COMMIT_NEWS_DELAY_NS} is
 * answered by a timer of the fetch's I/O thread ({@link #commitNewsDue}). {@code tidemq-ha-hold}
 * answers the rest (a wait that ended, newer metadata, commit news of a fetch without an I/O thread), checks replica lag and expires
 * SYNC sends the slaves did not confirm in time; it parks until the first of these is due ({@link #parkNanos}) and is
 * woken only when something is due earlier than it planned ({@link #wakeHoldBy}), never per batch. {@link #held} is
 * a concurrent queue shared by them; a fetch is answered by the one thread whose {@code held.remove} took it.
 */
final class HaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaServer.class);
    /** After a failed round the hold thread tries again this soon. */
    private static final long HOLD_RETRY_PARK_NS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * How long a held fetch waits for new bytes once the commit point moved past what its replica was told, before
     * it is answered with the commit point alone. Under SYNC load the next records arrive within this and carry the
     * commit point with them (one answer instead of an empty one and a new fetch); when writes stop, the slave's
     * consumers see the last committed records this much later.
     */
    static final long COMMIT_NEWS_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(2);

    /** A fetch at the log end. */
    static final class HeldFetch {
        final int replicaId;
        final long offset;
        final int maxBytes;
        final long deadlineMs;
        final long metadataVersion;
        final CompletableFuture<RemotingCommand> answer;
        /** The slave's connection: its answer is built and written on its I/O thread; null in tests. */
        final RemotingChannel channel;
        /**
         * Since when (System.nanoTime) the commit point is past what its replica was told, or 0: set when the fetch
         * is held, when the commit point moves and by the hold thread; cleared by the hold thread and the I/O thread's
         * commit-news timer.
         */
        volatile long commitNewsSinceNs;
        /**
         * The timer on the connection's I/O thread that answers the commit news when no bytes carried it, or null
         * when the hold thread keeps that time; set by the thread that starts the wait, cancelled by the answer.
         */
        volatile Future<?> commitNewsTimer;

        HeldFetch(int replicaId, long offset, int maxBytes, long deadlineMs, long metadataVersion,
                  CompletableFuture<RemotingCommand> answer) {
            this(replicaId, offset, maxBytes, deadlineMs, metadataVersion, answer, null);
        }

        HeldFetch(int replicaId, long offset, int maxBytes, long deadlineMs, long metadataVersion,
                  CompletableFuture<RemotingCommand> answer, RemotingChannel channel) {
            this.channel = channel;
            this.replicaId = replicaId;
            this.offset = offset;
            this.maxBytes = maxBytes;
            this.deadlineMs = deadlineMs;
            this.metadataVersion = metadataVersion;
            this.answer = answer;
        }
    }

    /** The master's side of metadata replication ({@link ReplicationService}). */
    interface Metadata {
        /** The version slaves should hold. */
        long version();

        /** The snapshot to send (HA_METADATA). */
        byte[] snapshot();

        /** A slave reported, with a fetch, the version it applied. */
        void applied(int replicaId, long version);

        /** A slave sent consumer offsets committed on it (HA_MERGE_OFFSETS); returns how many moved here. */
        int mergeOffsets(byte[] body);
    }

    private final String group;
    private final HaConfig config;
    private final ReplicaLog replicaLog;
    private final InSyncReplicas isr;
    private final int masterEpoch;
    private final Metadata metadata;
    private final NettyRemotingServer server;
    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<HeldFetch> held = new ConcurrentLinkedQueue<>();
    /**
     * The highest commit point each replica was sent (in any answer to it, the hello's included), so a held fetch is
     * not answered for news its replica already got, e.g. from the answer to the fetch that moved the commit point.
     * Written by the request thread and the hold thread.
     */
    private final ConcurrentHashMap<Integer, Long> toldCommitPoint = new ConcurrentHashMap<>();
    /** Fetches served, and those of them that were acknowledgements only ({@code maxBytes = 0}); for tests. */
    private final AtomicLong fetchesServed = new AtomicLong();
    private final AtomicLong ackOnlyFetches = new AtomicLong();
    /** The thread that served the last fetch; for tests. */
    private volatile String lastFetchThread;
    /** Held fetches answered with new bytes, and those of them the hold thread answered; for tests. */
    private final AtomicLong heldAnsweredWithBytes = new AtomicLong();
    private final AtomicLong heldAnsweredWithBytesByHoldThread = new AtomicLong();
    /** Held fetches the appending thread answered itself, being the fetch connection's I/O thread; for tests. */
    private final AtomicLong heldAnsweredByAppender = new AtomicLong();
    /** Commit-news waits the hold thread kept time for, and held fetches a commit-news timer answered; for tests. */
    private final AtomicLong commitNewsWaitsOnHoldThread = new AtomicLong();
    private final AtomicLong commitNewsAnsweredOnIoThread = new AtomicLong();
    /** Rounds of the hold thread; written by it, read by tests. */
    private volatile long holdRounds;
    /**
     * When (System.nanoTime) the hold thread wakes next, or {@link #HOLD_RUNNING} during its round (it may have looked
     * at the held fetches already: whatever needs it then unparks it). Written by the hold thread, read by the threads
     * that hold a fetch or move the commit point ({@link #wakeHoldBy}).
     */
    private volatile long holdWakeAtNs = HOLD_RUNNING;
    private static final long HOLD_RUNNING = Long.MIN_VALUE;
    /** {@link #holdWakeAtNs} of a longer park is capped to this far ahead, so nanoTime differences never overflow. */
    private static final long HOLD_WAKE_HORIZON_NS = TimeUnit.DAYS.toNanos(1);
    private final Thread holdThread;
    private volatile boolean stopped;

    HaServer(String group, HaConfig config, String bindAddress, ReplicaLog replicaLog, InSyncReplicas isr,
             int masterEpoch, Metadata metadata) {
        this(group, config, bindAddress, null, replicaLog, isr, masterEpoch, metadata);
    }

    /** @param ioThreads I/O threads to register slave connections on (the broker's client-facing ones), or null */
    HaServer(String group, HaConfig config, String bindAddress, NettyIoThreads ioThreads, ReplicaLog replicaLog,
             InSyncReplicas isr, int masterEpoch, Metadata metadata) {
        this.group = group;
        this.metadata = metadata;
        this.config = config;
        this.replicaLog = replicaLog;
        this.isr = isr;
        this.masterEpoch = masterEpoch;
        this.server = new NettyRemotingServer(NettyServerConfig.builder().bindAddress(bindAddress)
                .listenPort(config.haListenPort())
                .maxFrameBytes(Math.max(FrameLayout.DEFAULT_MAX_FRAME_BYTES, 2 * config.haTransferBatchBytes()))
                .build(), null, ioThreads);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tidemq-ha-server");
            t.setDaemon(true);
            return t;
        });
        this.holdThread = new Thread(this::holdLoop, "tidemq-ha-hold");
        this.holdThread.setDaemon(true);
    }

    void start() {
        server.registerProcessor(RequestCode.HA_HELLO, this::hello, executor);
        // a fetch is short and never blocks (a read of mapped bytes, the in-sync bookkeeping, completing the SYNC
        // sends it commits, which only write their responses): it runs on the I/O thread that read it, saving two
        // thread hand-offs per batch (to the executor and back for the write) on the SYNC send's path
        server.registerProcessor(RequestCode.HA_FETCH, this::fetch, Runnable::run);
        server.registerProcessor(RequestCode.HA_METADATA, this::metadata, executor);
        server.registerProcessor(RequestCode.HA_MERGE_OFFSETS, this::mergeOffsets, executor);
        server.start();
        holdThread.start();
        log.info("replication server of group {} listening on port {} (master epoch {})", group, server.localPort(),
                masterEpoch);
    }

    int localPort() {
        return server.localPort();
    }

    /** Newer metadata, or a replica to look at now: the hold thread answers held fetches. Cheap, any thread. */
    void wakeUp() {
        if (!held.isEmpty()) {
            LockSupport.unpark(holdThread);
        }
    }

    /**
     * New bytes in the log, called by the thread that appended them: a fetch held below the new end is handed to its
     * connection's I/O thread, which reads the bytes there (with whatever else was appended by then) and writes the
     * answer. Cheap when nothing is held, any thread.
     */
    void onAppended() {
        if (held.isEmpty()) {
            return;
        }
        long end = replicaLog.maxOffset();
        for (HeldFetch fetch : held) {
            if (end > fetch.offset && held.remove(fetch)) {
                answerOnIoThread(fetch);
            }
        }
    }

    /**
     * The commit point moved: a held fetch whose replica was not told gets the news with the next bytes, or alone
     * from the hold thread after {@link #COMMIT_NEWS_DELAY_NS}. Any thread.
     */
    void onCommitPointMoved() {
        if (held.isEmpty()) {
            return;
        }
        long commitPoint = isr.commitPoint();
        for (HeldFetch fetch : held) {
            noteCommitNews(fetch, commitPoint);
        }
    }

    /**
     * Starts {@code fetch}'s commit-news wait if its replica was not told {@code commitPoint}: a timer of the
     * connection's I/O thread (set from that thread, where the commit point mostly moves, it wakes nobody), or the
     * hold thread when the fetch has no I/O thread.
     */
    private void noteCommitNews(HeldFetch fetch, long commitPoint) {
        if (fetch.commitNewsSinceNs == 0 && commitPoint > toldCommitPoint.getOrDefault(fetch.replicaId, -1L)) {
            long nowNs = System.nanoTime();
            fetch.commitNewsSinceNs = nowNs == 0 ? 1 : nowNs;
            Future<?> timer = fetch.channel == null ? null
                    : fetch.channel.scheduleOnIoThread(() -> commitNewsDue(fetch), COMMIT_NEWS_DELAY_NS);
            if (timer != null) {
                fetch.commitNewsTimer = timer;
                return;
            }
            commitNewsWaitsOnHoldThread.incrementAndGet();
            wakeHoldBy(nowNs + COMMIT_NEWS_DELAY_NS);
        }
    }

    /**
     * A commit-news wait ended on the fetch's I/O thread: answers it with the commit point when no bytes carried
     * the news meanwhile and it is still held.
     */
    private void commitNewsDue(HeldFetch fetch) {
        fetch.commitNewsTimer = null;
        if (isr.commitPoint() > toldCommitPoint.getOrDefault(fetch.replicaId, -1L)) {
            if (held.remove(fetch)) {
                commitNewsAnsweredOnIoThread.incrementAndGet();
                complete(fetch);
            }
        } else {
            fetch.commitNewsSinceNs = 0; // told meanwhile: the next move starts a new wait
        }
    }

    /** Unparks the hold thread unless it wakes by {@code nanoTime} anyway. */
    private void wakeHoldBy(long nanoTime) {
        if (holdWakeNeeded(nanoTime, holdWakeAtNs)) {
            LockSupport.unpark(holdThread);
        }
    }

    /** Whether something due at {@code dueNs} needs the hold thread woken, given when it plans to wake. */
    static boolean holdWakeNeeded(long dueNs, long holdWakeAtNs) {
        return holdWakeAtNs == HOLD_RUNNING || dueNs - holdWakeAtNs < 0;
    }

    /**
     * Builds and writes a held fetch's answer on its connection's I/O thread (at once without a channel). When the
     * caller is that thread (the slave's connection shares an event loop with the sender's, see
     * {@link ReplicationService#shareIoThreads}) the answer is queued behind the requests it read in the same round,
     * not built inline: one answer then carries every record they appended, where an inline one carried the first
     * and left the others to the slave's next round trip. From another thread it is handed over (one wake-up).
     */
    private void answerOnIoThread(HeldFetch fetch) {
        Thread appender = Thread.currentThread();
        Runnable task = () -> {
            if (Thread.currentThread() == appender) {
                heldAnsweredByAppender.incrementAndGet();
            }
            complete(fetch);
        };
        if (fetch.channel == null) {
            complete(fetch);
            return;
        }
        try {
            fetch.channel.executeOnIoThread(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the connection's I/O thread stopped: the answer fails to write, the slave reconnects
        }
    }

    /** Answers a held fetch this thread took from {@link #held}; a failure to read fails it (the slave reconnects). */
    private void complete(HeldFetch fetch) {
        Future<?> timer = fetch.commitNewsTimer;
        if (timer != null) {
            timer.cancel(false); // on the I/O thread (mostly): a removal from its timer queue, no wake-up
        }
        try {
            RemotingCommand reply = answer(fetch.replicaId, fetch.offset, fetch.maxBytes);
            byte[] body = reply.body();
            if (body != null && body.length > 0) {
                heldAnsweredWithBytes.incrementAndGet();
                if (Thread.currentThread() == holdThread) {
                    heldAnsweredWithBytesByHoldThread.incrementAndGet();
                }
            }
            fetch.answer.complete(reply);
        } catch (RuntimeException e) {
            log.warn("answering the held replication fetch of replica {} at offset {} failed; the slave reconnects",
                    fetch.replicaId, fetch.offset, e);
            fetch.answer.completeExceptionally(e);
        }
    }

    private CompletableFuture<RemotingCommand> hello(RemotingChannel channel, RemotingCommand request) {
        String slaveGroup = request.requiredField("group");
        int replicaId = request.fieldAsInt("replicaId");
        if (!group.equals(slaveGroup)) {
            return done(RemotingCommand.createResponse(ResponseCode.NO_PERMISSION, "this master serves broker group "
                    + group + ", not " + slaveGroup + "; fix the slave's brokerName or haMasterAddress"));
        }
        UUID storeUuid = UUID.fromString(request.requiredField("storeUuid"));
        long slaveEnd = request.fieldAsLong("maxOffset");
        isr.onHello(replicaId, storeUuid, request.fieldAsLong("incarnation"), slaveEnd);
        log.info("replica {} of group {} connected from {} (store {}, log end {})", replicaId, group,
                channel.remoteAddress(), storeUuid, slaveEnd);
        long commitPoint = isr.commitPoint();
        toldCommitPoint.put(replicaId, commitPoint);
        RemotingCommand reply = RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                .putField("masterEpoch", masterEpoch)
                .putField("masterMinOffset", replicaLog.minOffset())
                .putField("masterMaxOffset", replicaLog.maxOffset())
                .putField("confirmOffset", commitPoint);
        reply.setBody(LineageCodec.encode(replicaLog.epochs().entries()));
        return done(reply);
    }

    private CompletableFuture<RemotingCommand> fetch(RemotingChannel channel, RemotingCommand request) {
        lastFetchThread = Thread.currentThread().getName();
        Headers.HaFetchRequest header = readFetch(request);
        int epoch = header.masterEpoch();
        int replicaId = header.replicaId();
        long offset = header.fetchOffset();
        int maxBytes = Math.min(header.maxBytes(), config.haTransferBatchBytes());
        long maxWaitMs = Math.min(header.maxWaitMs(), config.haFetchMaxWaitMs());
        if (epoch != masterEpoch) {
            return done(RemotingCommand.createResponse(ResponseCode.HA_EPOCH_CHANGED, "the master's epoch is "
                    + masterEpoch + ", not " + epoch + "; repeat the handshake"));
        }
        long end = replicaLog.maxOffset();
        if (offset < replicaLog.minOffset() || offset > end) {
            return done(RemotingCommand.createResponse(ResponseCode.HA_OFFSET_MISMATCH, "fetch offset " + offset
                    + " is outside the master's log [" + replicaLog.minOffset() + ", " + end + "]; repeat the handshake"));
        }
        // a pipelined fetch reads ahead of what the slave holds: its acknowledgement is ackOffset (older slaves
        // send none, their fetch offset is their acknowledgement)
        long ackOffset = header.ackOffset() == null ? offset : header.ackOffset();
        if (ackOffset > offset || ackOffset < 0) {
            return done(RemotingCommand.createResponse(ResponseCode.HA_OFFSET_MISMATCH, "ackOffset " + ackOffset
                    + " must be between 0 and the fetch offset " + offset + "; repeat the handshake"));
        }
        fetchesServed.incrementAndGet();
        if (maxBytes <= 0) {
            ackOnlyFetches.incrementAndGet();
        }
        isr.onFetch(replicaId, ackOffset);
        long appliedMetadata = header.metadataVersion() == null ? 0 : header.metadataVersion();
        metadata.applied(replicaId, appliedMetadata);
        if (offset < end || maxWaitMs <= 0 || maxBytes <= 0 || metadata.version() > appliedMetadata) {
            return done(answer(replicaId, offset, maxBytes));
        }
        CompletableFuture<RemotingCommand> answer = new CompletableFuture<>();
        HeldFetch fetch = new HeldFetch(replicaId, offset, maxBytes, System.currentTimeMillis() + maxWaitMs,
                appliedMetadata, answer, channel);
        held.add(fetch);
        // bytes appended or metadata published since they were read above found nothing held (no hand-off, no
        // unpark): answered here, on its I/O thread
        if (replicaLog.maxOffset() > offset || metadata.version() > appliedMetadata) {
            if (held.remove(fetch)) {
                complete(fetch);
            }
            return answer;
        }
        noteCommitNews(fetch, isr.commitPoint()); // read after the add: a move from now on finds the fetch held
        wakeHoldBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs));
        return answer;
    }

    /** HA_METADATA: the version first, then the snapshot, so the snapshot holds at least that version. */
    private CompletableFuture<RemotingCommand> metadata(RemotingChannel channel, RemotingCommand request) {
        long version = metadata.version();
        RemotingCommand reply = RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                .putField("metadataVersion", version);
        reply.setBody(metadata.snapshot());
        return done(reply);
    }

    /** HA_MERGE_OFFSETS: offsets the slave's consumers committed while this master was away, merged by maximum. */
    private CompletableFuture<RemotingCommand> mergeOffsets(RemotingChannel channel, RemotingCommand request) {
        byte[] body = request.body();
        if (body == null || body.length == 0) {
            return done(RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER,
                    "HA_MERGE_OFFSETS needs a body of offsets"));
        }
        int moved = metadata.mergeOffsets(body);
        if (moved > 0) {
            log.info("replica {} of group {}: {} consumer offset(s) committed on it while this master was away"
                    + " moved forward here", request.field("replicaId"), group, moved);
        }
        return done(RemotingCommand.createResponse(ResponseCode.SUCCESS, null).putField("moved", moved));
    }

    /** A fetch's answer; {@code maxBytes <= 0} (an acknowledgement) gets no bytes, only the master's state. */
    private RemotingCommand answer(int replicaId, long offset, int maxBytes) {
        byte[] bytes = maxBytes <= 0 ? new byte[0] : replicaLog.readRaw(offset, maxBytes, replicaLog.maxOffset());
        EpochEntry batchEpoch = replicaLog.epochAt(offset);
        long commitPoint = isr.commitPoint();
        toldCommitPoint.merge(replicaId, commitPoint, Math::max);
        RemotingCommand reply = RemotingCommand.createResponse(ResponseCode.SUCCESS, null)
                .withEncodedFields(encodeAnswer(new Headers.HaFetchResponse(masterEpoch, offset, commitPoint,
                        replicaLog.maxOffset(), metadata.version(), batchEpoch == null ? null : batchEpoch.epoch(),
                        batchEpoch == null ? null : batchEpoch.startOffset())));
        reply.setBody(bytes);
        return reply;
    }

    /**
     * An HA_FETCH answer's fields, numbers written straight into the frame's field bytes (no map, no string or
     * box per number: one answer per replication round). {@code HaFetchHeaderTest}.
     */
    static EncodedFields encodeAnswer(Headers.HaFetchResponse h) {
        EncodedFields.Builder b = EncodedFields.builder(160)
                .put("masterEpoch", h.masterEpoch())
                .put("baseOffset", h.baseOffset())
                .put("confirmOffset", h.confirmOffset())
                .put("masterMaxOffset", h.masterMaxOffset());
        if (h.metadataVersion() != null) {
            b.put("metadataVersion", h.metadataVersion().longValue());
        }
        if (h.batchEpoch() != null && h.batchEpochStart() != null) {
            b.put("batchEpoch", h.batchEpoch().intValue()).put("batchEpochStart", h.batchEpochStart().longValue());
        }
        return b.build();
    }

    /**
     * An HA_FETCH's header, each field read by name from the frame's field bytes (a scan of a few fields, no map,
     * numbers parsed from the bytes: one fetch per replication round). {@code HaFetchHeaderTest}.
     */
    static Headers.HaFetchRequest readFetch(RemotingCommand request) {
        long ackOffset = request.fieldAsLong("ackOffset", Long.MIN_VALUE);
        long metadataVersion = request.fieldAsLong("metadataVersion", Long.MIN_VALUE);
        return new Headers.HaFetchRequest(request.fieldAsInt("masterEpoch"), request.fieldAsInt("replicaId"),
                request.fieldAsLong("fetchOffset"), ackOffset == Long.MIN_VALUE ? null : ackOffset,
                request.fieldAsInt("maxBytes"), request.fieldAsLong("maxWaitMs"),
                metadataVersion == Long.MIN_VALUE ? null : metadataVersion);
    }

    /**
     * Whether a held fetch is answered now: new bytes, its wait is over, newer metadata, or a commit point its replica
     * was not told that no new bytes came to carry within {@link #COMMIT_NEWS_DELAY_NS}. Records when the commit
     * news was first seen. The hold thread.
     */
    static boolean answerNow(HeldFetch fetch, long end, long nowMs, long nowNs, long metadataVersion, long commitPoint,
                             long toldCommitPoint) {
        if (end > fetch.offset || nowMs >= fetch.deadlineMs || metadataVersion > fetch.metadataVersion) {
            return true;
        }
        if (commitPoint <= toldCommitPoint) {
            fetch.commitNewsSinceNs = 0;
            return false;
        }
        // a moved commit point is news too (the slave's consumers see records up to it), but not urgent
        if (fetch.commitNewsSinceNs == 0) {
            fetch.commitNewsSinceNs = nowNs == 0 ? 1 : nowNs;
            return false;
        }
        return nowNs - fetch.commitNewsSinceNs >= COMMIT_NEWS_DELAY_NS;
    }

    /**
     * How long the hold thread parks after a round: until the first of the next lag check, the earliest deadline of a
     * fetch still held and the end of a pending commit-news wait ({@code commitNewsParkNs}, or
     * {@code Long.MAX_VALUE}), at least 1 ns. Nothing else needs a timer: new bytes, a moved commit point, newer
     * metadata and a new held fetch all unpark it ({@link #wakeUp()}, {@link #fetch}), so an idle master's hold
     * thread wakes once per lag check instead of polling.
     */
    static long parkNanos(long nowMs, long nextLagCheckMs, long earliestDeadlineMs, long commitNewsParkNs) {
        long untilMs = Math.min(nextLagCheckMs, earliestDeadlineMs) - nowMs;
        long parkNs = untilMs >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(untilMs);
        return Math.max(1, Math.min(parkNs, commitNewsParkNs));
    }

    /**
     * How often the hold thread checks replica lag and SYNC sends' deadlines at least: a tenth of the shorter of
     * {@code replicaLagMaxMs} and {@code replicaAckTimeoutMs}, at least 10 ms, so a send past its deadline fails at
     * most a tenth of its timeout late even when it was not the first waiting at the previous check.
     */
    static long checkIntervalMs(long replicaLagMaxMs, long replicaAckTimeoutMs) {
        return Math.max(10, Math.min(replicaLagMaxMs, replicaAckTimeoutMs) / 10);
    }

    private void holdLoop() {
        long nextLagCheckMs = 0;
        while (!stopped) {
            holdWakeAtNs = HOLD_RUNNING;
            holdRounds++;
            long now = System.currentTimeMillis();
            long earliestDeadlineMs = Long.MAX_VALUE;
            long commitNewsParkNs = Long.MAX_VALUE;
            try {
                long nowNs = System.nanoTime();
                long end = replicaLog.maxOffset();
                long version = metadata.version();
                long commitPoint = isr.commitPoint();
                for (Iterator<HeldFetch> it = held.iterator(); it.hasNext(); ) {
                    HeldFetch fetch = it.next();
                    if (answerNow(fetch, end, now, nowNs, version, commitPoint,
                            toldCommitPoint.getOrDefault(fetch.replicaId, -1L))) {
                        if (held.remove(fetch)) {
                            complete(fetch);
                        }
                        continue;
                    }
                    earliestDeadlineMs = Math.min(earliestDeadlineMs, fetch.deadlineMs);
                    Future<?> newsTimer = fetch.commitNewsTimer;
                    if (fetch.commitNewsSinceNs != 0 && (newsTimer == null || newsTimer.isDone())) {
                        commitNewsParkNs = Math.min(commitNewsParkNs,
                                Math.max(1, COMMIT_NEWS_DELAY_NS - (nowNs - fetch.commitNewsSinceNs)));
                    }
                }
                if (now >= nextLagCheckMs) {
                    isr.checkLag();
                    nextLagCheckMs = now + checkIntervalMs(config.replicaLagMaxMs(), config.replicaAckTimeoutMs());
                }
                // SYNC sends past replicaAckTimeoutMs fail here; the first one still waiting sets a deadline
                earliestDeadlineMs = Math.min(earliestDeadlineMs, isr.expireWaiters());
            } catch (RuntimeException e) {
                log.error("answering held replication fetches failed; retrying", e);
                commitNewsParkNs = HOLD_RETRY_PARK_NS;
            }
            long parkNs = parkNanos(now, nextLagCheckMs, earliestDeadlineMs, commitNewsParkNs);
            holdWakeAtNs = System.nanoTime() + Math.min(parkNs, HOLD_WAKE_HORIZON_NS); // compared by difference
            LockSupport.parkNanos(this, parkNs);
        }
    }

    private static CompletableFuture<RemotingCommand> done(RemotingCommand response) {
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(holdThread);
        try {
            holdThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdown();
        executor.shutdownNow();
        HeldFetch fetch;
        while ((fetch = held.poll()) != null) {
            fetch.answer.complete(null);
        }
    }

    long fetchesServed() {
        return fetchesServed.get();
    }

    String lastFetchThread() {
        return lastFetchThread;
    }

    long heldAnsweredWithBytes() {
        return heldAnsweredWithBytes.get();
    }

    long commitNewsWaitsOnHoldThread() {
        return commitNewsWaitsOnHoldThread.get();
    }

    long commitNewsAnsweredOnIoThread() {
        return commitNewsAnsweredOnIoThread.get();
    }

    long heldAnsweredByAppender() {
        return heldAnsweredByAppender.get();
    }

    long heldAnsweredWithBytesByHoldThread() {
        return heldAnsweredWithBytesByHoldThread.get();
    }

    long holdRounds() {
        return holdRounds;
    }

    long ackOnlyFetchesServed() {
        return ackOnlyFetches.get();
    }
}
