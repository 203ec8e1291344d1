package io.tidemq.broker.ha;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.EncodedFields;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.StoreException;
import io.tidemq.store.ha.ConsistentPoint;
import io.tidemq.store.ha.EpochEntry;
import io.tidemq.store.ha.ReplicaLog;
import io.tidemq.store.ha.ReplicaMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Slave side of replication, one thread ({@code tidemq-ha-client}): handshake with the master (HA_HELLO with this
 * replica's identity, log end and epoch lineage), truncation to the last common point, then a fetch loop with at
 * most two requests in flight ({@link FetchPipeline}): behind the master, the next fetch leaves before the batch just
 * received is appended (verified record by record), and an acknowledgement (the new log end) follows the append; at
 * the master's end the next fetch leaves after the append and is the acknowledgement. Answers are handled on the
 * connection's I/O thread as they arrive ({@link IoThreadFetches}: verify, append, send the next fetch); this thread
 * handshakes and takes over the answers that need a blocking call. The commit point the master reports becomes this
 * store's dispatch ceiling, so consumers of the slave see only committed records. Any error (connection, epoch
 * change, offset mismatch, a record failing its checksum) closes the connection and repeats the handshake after
 * a back-off.
 */
final class HaClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaClient.class);
    private static final long RETRY_BACKOFF_MS = 1_000;
    private static final long CALL_TIMEOUT_MS = 10_000;
    /** How often offsets committed here by consumers are sent to the master while connected. */
    static final long OFFSET_MERGE_INTERVAL_MS = 1_000;
    /** The tick of this client's call-timeout timer; every call here has a timeout of seconds. */
    static final int TIMEOUT_TICK_MS = 100;

    private final String group;
    private final int replicaId;
    private final HaConfig config;
    private final DefaultMessageStore store;
    private final ReplicaLog replicaLog;
    private final ReplicaMeta meta;
    private final NettyRemotingClient client;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Written by the client thread, read by admin requests. */
    private volatile long masterMaxOffset = -1;
    private volatile long confirmOffset = -1;
    private volatile int masterEpoch = -1;
    private volatile long lastContactMs;
    private volatile long truncatedBytes;
    /** The thread that appended the last batch; for tests. */
    private volatile String lastAppendThread;

    /** Run on this client's thread after a truncation that cut bytes. */
    private final Runnable onTruncated;

    /** Applies the master's topics and offsets. */
    private final ReplicatedMetadata metadata;
    /** The master metadata version applied here; this client's thread (read by admin requests). */
    private volatile long appliedMetadataVersion;

    /** When the fetch loop next sends offsets committed here to the master; written by this client's thread, read by
     *  the I/O thread handling fetch answers (which hands an answer over once it is due). */
    private volatile long nextOffsetMergeMs;

    /** The lowest master epoch this slave follows (the epoch the controller gave its master); 0 without a controller. */
    private final int minMasterEpoch;

    HaClient(String group, int replicaId, HaConfig config, DefaultMessageStore store, ReplicaMeta meta,
             Runnable onTruncated, ReplicatedMetadata metadata) {
        this(group, replicaId, config, store, meta, onTruncated, metadata, 0);
    }

    HaClient(String group, int replicaId, HaConfig config, DefaultMessageStore store, ReplicaMeta meta,
             Runnable onTruncated, ReplicatedMetadata metadata, int minMasterEpoch) {
        this.minMasterEpoch = minMasterEpoch;
        this.onTruncated = onTruncated;
        this.metadata = metadata;
        this.group = group;
        this.replicaId = replicaId;
        this.config = config;
        this.store = store;
        this.replicaLog = store.replicaLog();
        this.meta = meta;
        this.client = new NettyRemotingClient(clientConfig(config));
        this.thread = new Thread(this::run, "tidemq-ha-client");
        this.thread.setDaemon(true);
    }

    /**
     * The connection to the master: frames fit two transfer batches; the call-timeout timer ticks every
     * {@value #TIMEOUT_TICK_MS} ms, since every call here waits seconds (a 10-ms tick woke the slave 100 times a
     * second, 0.7 µs per SYNC message of its CPU, to fail calls that time out after 10 s).
     */
    static NettyClientConfig clientConfig(HaConfig config) {
        return NettyClientConfig.builder()
                .maxFrameBytes(Math.max(FrameLayout.DEFAULT_MAX_FRAME_BYTES, 2 * config.haTransferBatchBytes()))
                .timeoutTickMs(TIMEOUT_TICK_MS)
                .build();
    }

    void start() {
        // nothing more is dispatched before the master says it is committed
        store.setDispatchCeiling(Math.min(store.dispatchedOffset(), store.commitLogMaxOffset()));
        // nobody but a held pull (which still signals it) waits for a slave's dispatch: it polls ten times less often
        store.setDispatchPollIntervalMs(DefaultMessageStore.FOLLOWER_DISPATCH_POLL_MS);
        client.start();
        thread.start();
    }

    /** The master's HA address this client fetches from. */
    String masterAddress() {
        return config.haMasterAddress();
    }

    long masterMaxOffset() {
        return masterMaxOffset;
    }

    long confirmOffset() {
        return confirmOffset;
    }

    int masterEpoch() {
        return masterEpoch;
    }

    long lastContactMs() {
        return lastContactMs;
    }

    /**
     * {@code truncatedBackup=true}: copies the log bytes {@code [from, to)} a truncation is about to cut into
     * {@code ha/truncated/cut-<from>-<to>-epoch<last local epoch>.bin} (raw CommitLog records, as the CommitLog held
     * them), written to a temporary file, fsynced and renamed, so the operator can inspect or resend what this
     * replica held alone. This client's thread.
     */
    private void keepCutBytes(long from, long to) {
        java.nio.file.Path dir = store.config().storePath().resolve(io.tidemq.store.ha.ReplicaLog.HA_DIR)
                .resolve("truncated");
        String name = "cut-" + from + "-" + to + "-epoch" + replicaLog.epochs().lastEpoch() + ".bin";
        java.nio.file.Path tmp = dir.resolve(name + ".tmp");
        try {
            java.nio.file.Files.createDirectories(dir);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                long at = from;
                while (at < to) {
                    byte[] chunk = replicaLog.readRaw(at, 1 << 20, to);
                    if (chunk.length == 0) {
                        throw new java.io.IOException("the log returned no bytes at offset " + at + " below " + to);
                    }
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(chunk);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    at += chunk.length;
                }
                ch.force(true);
            }
            java.nio.file.Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.warn("truncatedBackup: the {} byte(s) [{}, {}) this replica cuts to rejoin the master are kept in {}",
                    to - from, from, to, dir.resolve(name));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("truncatedBackup=true but the bytes [" + from + ", " + to + ") to cut"
                    + " could not be kept in " + dir + " (" + e + "); nothing is cut, the handshake is retried: free"
                    + " disk space or set truncatedBackup=false", e);
        }
    }

    long truncatedBytes() {
        return truncatedBytes;
    }

    String lastAppendThread() {
        return lastAppendThread;
    }

    private void run() {
        String master = config.haMasterAddress();
        while (stop.getCount() > 0) {
            try {
                int epoch = handshake(master);
                mergeOffsetsBack(master, true);
                fetchLoop(master, epoch);
            } catch (RemotingException | StoreException | IllegalArgumentException e) {
                log.warn("replication from master {} of group {} interrupted: {}; reconnecting in {} ms", master,
                        group, e.toString(), RETRY_BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("replication from master {} failed; reconnecting in {} ms", master, RETRY_BACKOFF_MS, e);
            }
            client.closeConnection(master);
            try {
                if (stop.await(RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return the master's epoch, after this log was cut to the point it shares with the master's */
    private int handshake(String master) throws RemotingException, InterruptedException {
        RemotingCommand hello = RemotingCommand.createRequest(RequestCode.HA_HELLO)
                .putField("group", group)
                .putField("replicaId", replicaId)
                .putField("storeUuid", meta.storeUuid().toString())
                .putField("incarnation", meta.incarnation())
                .putField("maxOffset", replicaLog.maxOffset());
        hello.setBody(LineageCodec.encode(replicaLog.epochs().entries()));
        RemotingCommand reply = client.invokeSync(master, hello, CALL_TIMEOUT_MS);
        if (reply.code() != ResponseCode.SUCCESS.code()) {
            throw new IllegalArgumentException("the master refused the handshake (" + reply.code() + "): "
                    + reply.remark());
        }
        int epoch = reply.fieldAsInt("masterEpoch");
        if (epoch < minMasterEpoch) {
            // a stale master (not yet told it lost its role): nothing of it is copied and nothing here is cut
            throw new IllegalArgumentException("the master at " + master + " is in epoch " + epoch
                    + ", older than the epoch " + minMasterEpoch + " the controller gave it; waiting for it to catch up");
        }
        long masterEnd = reply.fieldAsLong("masterMaxOffset");
        long masterMin = reply.fieldAsLong("masterMinOffset");
        List<EpochEntry> masterLineage = LineageCodec.decode(reply.body());
        long localEnd = replicaLog.maxOffset();
        long point = ConsistentPoint.find(replicaLog.epochs().entries(), localEnd, masterLineage, masterEnd);
        if (point < masterMin && replicaLog.maxOffset() > 0) {
            log.warn("this replica shares nothing above the master's log start {} (common point {}); its whole"
                    + " log is cut and copied again", masterMin, point);
        }
        if (config.truncatedBackup() && localEnd > point) {
            keepCutBytes(point, localEnd); // throws when it cannot: nothing is cut, the handshake is retried
        }
        long cut = replicaLog.truncate(point);
        if (cut > 0) {
            onTruncated.run();
        }
        store.setDispatchCeiling(Math.min(replicaLog.maxOffset(), reply.fieldAsLong("confirmOffset")));
        truncatedBytes += cut;
        masterEpoch = epoch;
        masterMaxOffset = masterEnd;
        lastContactMs = System.currentTimeMillis();
        log.info("handshake with master {} (epoch {}, log [{}, {})): common point {}, {} byte(s) cut, fetching from {}",
                master, epoch, masterMin, masterEnd, point, cut, replicaLog.maxOffset());
        return epoch;
    }

    /**
     * Fetches with at most two requests in flight ({@link FetchPipeline}): the next data fetch leaves before the batch
     * just received is appended, and an acknowledgement follows the append. The usual answer is handled where it
     * arrives, on the connection's I/O thread ({@link IoThreadFetches}); this thread takes the answers that need a
     * blocking call or a reconnection, and both handle an answer with the same step ({@link #onDataAnswer}).
     */
    private void fetchLoop(String master, int epoch) throws RemotingException, InterruptedException {
        FetchPipeline pipeline = new FetchPipeline(replicaLog.maxOffset());
        CompletableFuture<RemotingCommand> data = send(master, epoch, pipeline.start());
        while (stop.getCount() > 0) {
            mergeOffsetsBack(master, false);
            RemotingCommand reply = awaitHandOff(master, new IoThreadFetches(master, epoch, pipeline).follow(data));
            if (!answered(master, reply)) {
                return;
            }
            Headers.HaFetchResponse header = readAnswer(reply);
            data = onDataAnswer(master, epoch, pipeline, reply, header);
            if (metadataVersion(header) > appliedMetadataVersion) {
                copyMetadata(master);
            }
        }
    }

    /**
     * One data fetch's answer, the same step wherever it is handled (the I/O thread, {@link IoThreadFetches}, or
     * this client's thread after a hand-over): the next data fetch leaves before the batch is appended (verified
     * record by record) unless the batch reached the master's end, in which case it leaves after the append and is
     * the acknowledgement; behind the master an acknowledgement-only fetch follows the append.
     *
     * @return the answer to the next data fetch; after an acknowledgement-only fetch it completes once that
     *         acknowledgement was answered too (the master's state it carries noted), so the pipeline is used by one
     *         step at a time
     */
    private CompletableFuture<RemotingCommand> onDataAnswer(String master, int epoch, FetchPipeline pipeline,
                                                            RemotingCommand reply, Headers.HaFetchResponse header) {
        byte[] body = reply.body();
        int length = body == null ? 0 : body.length;
        long base = header.baseOffset();
        FetchPipeline.Fetch next = pipeline.onData(base, length, header.masterMaxOffset() <= base + length);
        CompletableFuture<RemotingCommand> data = next == null ? null : send(master, epoch, next);
        if (length > 0) {
            if (header.batchEpoch() == null || header.batchEpochStart() == null) {
                throw new IllegalArgumentException("master " + master + " sent " + length + " byte(s) at offset " + base
                        + " without their epoch (batchEpoch, batchEpochStart); repeating the handshake");
            }
            EpochEntry batchEpoch = new EpochEntry(header.batchEpoch(), header.batchEpochStart());
            FetchPipeline.Fetch ack = pipeline.onAppended(replicaLog.appendRaw(base, ByteBuffer.wrap(body), batchEpoch));
            lastAppendThread = Thread.currentThread().getName();
            if (ack != null && !ack.ackOnly()) {
                data = send(master, epoch, ack);
            } else if (ack != null) {
                CompletableFuture<RemotingCommand> nextData = data;
                return send(master, epoch, ack).thenCompose(ackReply -> {
                    pipeline.onAckAnswered();
                    if (ackReply.code() != ResponseCode.SUCCESS.code()) {
                        throw new IllegalArgumentException("master " + master + " answered an acknowledgement with "
                                + ackReply.code() + ": " + ackReply.remark() + "; repeating the handshake");
                    }
                    noteMasterState(readAnswer(ackReply), pipeline); // the master's state after it counted this append
                    return nextData;
                });
            }
        }
        if (data == null) {
            throw new IllegalStateException("the fetch pipeline sent no data fetch after a batch");
        }
        noteMasterState(header, pipeline);
        return data;
    }

    /** What an answer says about the master: its end, the commit point (this store's dispatch ceiling). */
    private void noteMasterState(Headers.HaFetchResponse header, FetchPipeline pipeline) {
        masterMaxOffset = header.masterMaxOffset();
        long confirm = Math.min(header.confirmOffset(), pipeline.appended());
        confirmOffset = confirm;
        store.setDispatchCeiling(confirm);
        lastContactMs = System.currentTimeMillis();
    }

    /**
     * Waits for the answer the I/O thread hands over. Every fetch has its own timeout, which fails it and so hands it
     * over; should the master still be silent for longer, the connection is closed (failing what is in flight) and the
     * hand-over awaited, so this thread never works on the log while the I/O thread may.
     */
    private RemotingCommand awaitHandOff(String master, CompletableFuture<RemotingCommand> handOff)
            throws RemotingException, InterruptedException {
        long silentMaxMs = CALL_TIMEOUT_MS + config.haFetchMaxWaitMs() + 1_000;
        boolean closed = false;
        while (true) {
            try {
                return handOff.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw unwrap(e);
            } catch (TimeoutException e) {
                if (!closed && System.currentTimeMillis() - lastContactMs > silentMaxMs) {
                    log.warn("master {} answered nothing for {} ms; closing the replication connection", master,
                            System.currentTimeMillis() - lastContactMs);
                    client.closeConnection(master);
                    closed = true;
                }
            }
        }
    }

    /**
     * Handles the answers to data fetches on the I/O thread of the connection to the master, where they arrive: the
     * batch is verified and appended there and the next fetch written there, saving the two thread hand-offs per
     * batch of a dedicated thread (the I/O thread waking it, and its write waking the I/O thread). An answer that
     * needs more (a failure or refusal, newer metadata to copy, offsets to merge back, a stop) is handed over to the
     * HA client thread through {@link #handOff} untouched, and that thread goes on with it as with any answer.
     *
     * <p>Threads: created by the HA client thread; from {@link #follow} until {@link #handOff} completes, the pipeline
     * is used only by the callbacks here (one at a time: each fetch's callback is attached once the previous one is
     * done with the pipeline), then by the HA client thread again (the future's completion orders the two).
     */
    private final class IoThreadFetches {
        private final String master;
        private final int epoch;
        private final FetchPipeline pipeline;
        /** The answer (or failure) the HA client thread goes on with. */
        private final CompletableFuture<RemotingCommand> handOff = new CompletableFuture<>();

        IoThreadFetches(String master, int epoch, FetchPipeline pipeline) {
            this.master = master;
            this.epoch = epoch;
            this.pipeline = pipeline;
        }

        CompletableFuture<RemotingCommand> follow(CompletableFuture<RemotingCommand> data) {
            data.whenComplete(this::onAnswer);
            return handOff;
        }

        private void onAnswer(RemotingCommand reply, Throwable failure) {
            if (failure != null) {
                handOff.completeExceptionally(failure);
                return;
            }
            if (reply.code() != ResponseCode.SUCCESS.code() || stop.getCount() == 0
                    || System.currentTimeMillis() >= nextOffsetMergeMs) {
                handOff.complete(reply);
                return;
            }
            try {
                Headers.HaFetchResponse header = readAnswer(reply);
                if (metadataVersion(header) > appliedMetadataVersion) {
                    handOff.complete(reply);
                    return;
                }
                // newer metadata in an acknowledgement's answer is seen again in the next data answer, handed over then
                follow(onDataAnswer(master, epoch, pipeline, reply, header));
            } catch (Throwable t) {
                handOff.completeExceptionally(t);
            }
        }
    }

    private CompletableFuture<RemotingCommand> send(String master, int epoch, FetchPipeline.Fetch fetch) {
        RemotingCommand request = fetchRequest(epoch, replicaId, fetch, config, appliedMetadataVersion);
        return client.invokeAsync(master, request, fetch.ackOnly() ? CALL_TIMEOUT_MS
                : CALL_TIMEOUT_MS + config.haFetchMaxWaitMs());
    }

    /**
     * An HA_FETCH: its header written straight to the frame's field bytes (no field map and no string per number:
     * one fetch per replication round). {@code HaFetchHeaderTest}.
     */
    static RemotingCommand fetchRequest(int epoch, int replicaId, FetchPipeline.Fetch fetch, HaConfig config,
                                        long appliedMetadataVersion) {
        return RemotingCommand.createRequest(RequestCode.HA_FETCH).withEncodedFields(EncodedFields.builder(160)
                .put("masterEpoch", epoch)
                .put("replicaId", replicaId)
                .put("fetchOffset", fetch.position())
                .put("ackOffset", fetch.ackOffset())
                .put("maxBytes", fetch.ackOnly() ? 0 : config.haTransferBatchBytes())
                .put("maxWaitMs", fetch.ackOnly() ? 0 : config.haFetchMaxWaitMs())
                .put("metadataVersion", appliedMetadataVersion)
                .build());
    }

    /**
     * An HA_FETCH answer's header, each field read by name from the frame's field bytes (a scan of a few fields,
     * no map, numbers parsed from the bytes). {@code HaFetchHeaderTest}.
     */
    static Headers.HaFetchResponse readAnswer(RemotingCommand reply) {
        long metadataVersion = reply.fieldAsLong("metadataVersion", Long.MIN_VALUE);
        long batchEpochStart = reply.fieldAsLong("batchEpochStart", Long.MIN_VALUE);
        return new Headers.HaFetchResponse(reply.fieldAsInt("masterEpoch"), reply.fieldAsLong("baseOffset"),
                reply.fieldAsLong("confirmOffset"), reply.fieldAsLong("masterMaxOffset"),
                metadataVersion == Long.MIN_VALUE ? null : metadataVersion,
                reply.hasField("batchEpoch") ? reply.fieldAsInt("batchEpoch") : null,
                batchEpochStart == Long.MIN_VALUE ? null : batchEpochStart);
    }

    private static long metadataVersion(Headers.HaFetchResponse header) {
        return header.metadataVersion() == null ? 0 : header.metadataVersion();
    }

    private boolean answered(String master, RemotingCommand reply) {
        if (reply.code() != ResponseCode.SUCCESS.code()) {
            log.info("master {} answered a fetch with {}: {}; repeating the handshake", master, reply.code(),
                    reply.remark());
            return false;
        }
        return true;
    }

    /** The failure of a replication request: a RemotingException as it is, anything else as an IllegalArgumentException. */
    private static RemotingException unwrap(ExecutionException e) {
        Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                ? e.getCause().getCause() : e.getCause();
        if (cause instanceof RemotingException r) {
            return r;
        }
        throw new IllegalArgumentException("a replication request failed: " + cause, cause);
    }

    /** Fetches the master's topics and offsets (HA_METADATA) and applies them; the next fetch reports it. */
    private void copyMetadata(String master) throws RemotingException, InterruptedException {
        RemotingCommand reply = client.invokeSync(master, RemotingCommand.createRequest(RequestCode.HA_METADATA),
                CALL_TIMEOUT_MS);
        if (reply.code() != ResponseCode.SUCCESS.code()) {
            throw new IllegalArgumentException("the master refused HA_METADATA (" + reply.code() + "): "
                    + reply.remark());
        }
        metadata.apply(reply.body());
        appliedMetadataVersion = reply.fieldAsLong("metadataVersion");
    }

    /**
     * Sends the master the consumer offsets committed here that no master has taken yet (consumers pulled from
     * this slave while the master was unreachable): after every handshake, then at most every
     * {@link #OFFSET_MERGE_INTERVAL_MS}. The master merges them by maximum; the flags here are dropped only once
     * it answered, so a master that dies before it does gets them again from its successor's handshake.
     */
    private void mergeOffsetsBack(String master, boolean now) throws RemotingException, InterruptedException {
        long nowMs = System.currentTimeMillis();
        if (!now && nowMs < nextOffsetMergeMs) {
            return;
        }
        nextOffsetMergeMs = nowMs + OFFSET_MERGE_INTERVAL_MS;
        ReplicatedMetadata.OffsetsToMerge offsets = metadata.offsetsToMerge();
        if (offsets == null) {
            return;
        }
        RemotingCommand merge = RemotingCommand.createRequest(RequestCode.HA_MERGE_OFFSETS)
                .putField("replicaId", replicaId);
        merge.setBody(offsets.body());
        RemotingCommand reply = client.invokeSync(master, merge, CALL_TIMEOUT_MS);
        if (reply.code() != ResponseCode.SUCCESS.code()) {
            log.warn("master {} refused the {} consumer offset(s) committed on this slave ({}: {}); they stay here"
                    + " and are offered again in {} ms", master, offsets.count(), reply.code(), reply.remark(),
                    OFFSET_MERGE_INTERVAL_MS);
            return;
        }
        offsets.onMerged().run();
        log.info("{} consumer offset(s) committed on this slave while the master was away were merged into master"
                + " {} ({} moved there)", offsets.count(), master, reply.field("moved"));
    }

    long appliedMetadataVersion() {
        return appliedMetadataVersion;
    }

    @Override
    public void close() {
        stop.countDown();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdown();
        store.setDispatchPollIntervalMs(DefaultMessageStore.DISPATCH_POLL_MS); // a promoted master's consumers wait for it
    }
}
