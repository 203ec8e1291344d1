package io.tidemq.broker.transaction;

import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.common.protocol.body.WaitingMessages;
import io.tidemq.remoting.RemotingServer;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transaction check-back loop, on thread {@value #THREAD_NAME}: every {@code transactionCheckIntervalMs}
 * it reads new op records, scans the half queue (see {@link HalfScanner}), moves the persisted progress
 * forward and writes it to {@code transactionProgress.json}.
 *
 * <p>Lifecycle: {@link #recover()} before END_TRANSACTION is served (so a decision made before a restart is
 * known before a duplicate can arrive), {@link #start} once the server can send, {@link #close()} on
 * shutdown (persists the progress). All scan state is owned by the check thread after start, by the caller
 * before start and after close.
 */
public final class TransactionCheckService implements AutoCloseable {

    public static final String THREAD_NAME = "tidemq-transaction-check";
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCheckService.class);

    private final TransactionalMessageService transactions;
    private final AtomicJsonFile progressFile;
    private final long checkIntervalMs;
    private final OpLogReader ops;
    private final HalfScanner halves;
    /**
     * The progress last written (or adopted from a master); written by the owner of the scan state (see the class
     * comment) or under {@code this} by {@link #adoptReplicated}, read by any thread (HA_METADATA snapshots).
     */
    private volatile TransactionProgress persisted = TransactionProgress.START;
    /** Moves whenever {@link #persisted} changes, so the replication sees it; any thread. */
    private final AtomicLong progressVersion = new AtomicLong();
    /**
     * A master's progress was adopted, or the check thread stopped (a master demoted at run time, whose log may be
     * cut since), after the last recovery, so start() recovers again; guarded by this.
     */
    private boolean recoverAtStart;
    /** The check thread; guarded by {@code this}. */
    private ServiceThread executor;
    /** Guarded by {@code this}; set in start. */
    private CheckBackSender sender;

    /**
     * @param progressFile         where the progress is kept ({@code <storePath>/config/transactionProgress.json})
     * @param checkIntervalMs      transactionCheckIntervalMs
     * @param transactionTimeoutMs transactionTimeoutMs: a half younger than this is not checked back yet
     * @param transactionCheckMax  transactionCheckMax: check-backs per half before it is rolled back
     * @param maxTrackedDecisions  transactionMaxTrackedDecisions: decisions tracked above the check boundary before
     *                             the half holding the boundary is rolled back early
     */
    public TransactionCheckService(TransactionalMessageService transactions, Path progressFile, long checkIntervalMs,
                                   long transactionTimeoutMs, int transactionCheckMax, int maxTrackedDecisions) {
        this.transactions = transactions;
        this.progressFile = new AtomicJsonFile(progressFile);
        this.checkIntervalMs = checkIntervalMs;
        this.ops = new OpLogReader(transactions.store(), transactions.table());
        this.halves = new HalfScanner(transactions, transactionTimeoutMs, transactionCheckMax, maxTrackedDecisions);
    }

    /** Loads the progress and replays the op records after it. The store must be started. */
    public synchronized void recover() {
        recoverAtStart = false;
        TransactionProgress p = progressFile.read(TransactionProgress.class);
        persisted = clampToStore(p == null ? TransactionProgress.START : p);
        transactions.table().advanceBoundary(persisted.boundaryOffset());
        halves.reset(persisted.halfQueueOffset());
        ops.reset(persisted.opQueueOffset());
        int replayed = ops.readNew();
        LOG.info("transactions recovered: progress {}, {} op record(s) replayed, {} decision(s) tracked", persisted,
                replayed, transactions.trackedDecisions());
    }

    /**
     * The progress file is fsynced while an ASYNC-flushed CommitLog tail may not be, so after a crash it can
     * point past what the store recovered. A boundary above the CommitLog's end would mark the halves written
     * from now on as finished; everything is therefore capped at what the store holds.
     */
    private TransactionProgress clampToStore(TransactionProgress p) {
        MessageStore store = transactions.store();
        TransactionProgress clamped = new TransactionProgress(
                Math.min(p.halfQueueOffset(), store.maxQueueOffset(TransactionTopics.HALF_TOPIC, TransactionTopics.QUEUE_ID)),
                Math.min(p.boundaryOffset(), store.commitLogMaxOffset()),
                Math.min(p.opQueueOffset(), store.maxQueueOffset(TransactionTopics.OP_TOPIC, TransactionTopics.QUEUE_ID)));
        if (!clamped.equals(p)) {
            LOG.warn("transaction progress {} is ahead of the store (a crash lost an unflushed tail); using {}", p,
                    clamped);
        }
        return clamped;
    }

    /** Starts the check thread; check-backs go to producer connections of {@code server}. */
    public synchronized void start(RemotingServer server, ProducerChannels producers) {
        if (executor != null) {
            throw new IllegalStateException("the transaction check service is already started");
        }
        if (recoverAtStart) {
            // a slave becoming master: resume from its master's progress (or its own, clamped to what its log holds
            // now), not from what it recovered at its start
            recover();
        }
        sender = new CheckBackSender(server, producers);
        executor = ServiceThread.every(THREAD_NAME, checkIntervalMs, () -> scanOnce(System.currentTimeMillis()),
                e -> LOG.error("transaction check scan failed; retrying in {} ms", checkIntervalMs, e));
        executor.start();
    }

    /** One round: new op records, the half queue, then the progress. On the check thread. */
    void scanOnce(long nowMs) {
        scanOnce(nowMs, sender);
    }

    /** {@link #scanOnce(long)} asking producers through {@code checkBacks} (tests). */
    void scanOnce(long nowMs, CheckBackSender checkBacks) {
        ops.readNew();
        halves.scan(nowMs, checkBacks);
        persistProgress();
    }

    private void persistProgress() {
        long boundary = transactions.table().boundary();
        TransactionProgress now = new TransactionProgress(halves.finishedQueueOffset(), boundary, ops.retire(boundary));
        if (!now.equals(persisted)) {
            progressFile.write(now);
            persisted = now;
            progressVersion.incrementAndGet();
        }
    }

    /** The progress last persisted (a master replicates it to its slaves). Any thread. */
    public TransactionProgress progress() {
        return persisted;
    }

    /** A number that moves whenever {@link #progress()} changed. Any thread. */
    public long progressVersion() {
        return progressVersion.get();
    }

    /**
     * Slave: takes its master's progress (HA_METADATA) and writes it to {@code transactionProgress.json}, so that
     * once this broker becomes master (restarted as one, or {@link #start} after a role change, which recovers
     * from it first) it neither re-checks halves its master had decided nor replays op records about them. The
     * offsets are portable: a slave's CommitLog and queues are its master's. A progress behind the one held
     * (a master restarted with a clamped progress) is ignored; recovery clamps a progress ahead of the local
     * store. The replication thread; ignored while the check thread runs (a master demoted at run time keeps its
     * own progress).
     *
     * @return whether the progress was taken
     */
    public synchronized boolean adoptReplicated(TransactionProgress master) {
        if (executor != null) {
            return false;
        }
        TransactionProgress held = persisted;
        if (master.boundaryOffset() < held.boundaryOffset() || master.equals(held)) {
            return false;
        }
        progressFile.write(master);
        persisted = master;
        progressVersion.incrementAndGet();
        recoverAtStart = true;
        return true;
    }

    /** What {@link #waitingHalves} found. */
    public record WaitingHalves(List<WaitingMessages.WaitingHalf> oldest, int waiting, boolean complete, String note) {
    }

    /**
     * The half messages waiting for a decision (GET_WAITING_MESSAGES): a read of at most {@code maxScan} records of
     * the half queue from the first unfinished half on. A half waits when it is at or above the decision table's
     * boundary and has no decision in it. Only reads (the store and the concurrent decision table), so it runs on
     * any thread; a half decided during the read may still be counted.
     */
    public WaitingHalves waitingHalves(int maxScan) {
        MessageStore store = transactions.store();
        DecisionTable table = transactions.table();
        String topic = TransactionTopics.HALF_TOPIC;
        int q = TransactionTopics.QUEUE_ID;
        long max = store.maxQueueOffset(topic, q);
        long from = Math.max(halves.finishedQueueOffset(), store.minQueueOffset(topic, q));
        long boundary = table.boundary();
        List<WaitingMessages.WaitingHalf> oldest = new ArrayList<>();
        int waiting = 0;
        int read = 0;
        long offset = from;
        while (offset < max && read < maxScan) {
            GetResult r = store.getMessages(topic, q, offset, Math.min(64, maxScan - read), 4L << 20, null);
            if (r.messages().isEmpty()) {
                if (r.nextBeginOffset() <= offset) {
                    break;
                }
                offset = r.nextBeginOffset();
                continue;
            }
            for (StoredMessage half : r.messages()) {
                read++;
                if (!HalfMessages.isHalf(half) || half.physicalOffset() < boundary
                        || table.get(half.physicalOffset()) != null) {
                    continue;
                }
                waiting++;
                if (oldest.size() < WaitingMessages.MAX_LISTED) {
                    oldest.add(new WaitingMessages.WaitingHalf(half.msgId(), HalfMessages.transactionId(half),
                            HalfMessages.producerGroup(half), half.property(io.tidemq.common.message.MessageConst.REAL_TOPIC),
                            half.storeTimestampMs(), table.checkTimes(half.physicalOffset())));
                }
            }
            offset = r.nextBeginOffset();
        }
        boolean complete = offset >= max;
        String note = complete
                ? "complete: read the " + read + " half message(s) from the first unfinished one to the queue's end"
                : "stopped early at the limit of " + maxScan + " half messages: read offsets " + from + " to "
                        + (offset - 1) + " of " + max + "; later halves are not counted";
        return new WaitingHalves(oldest, waiting, complete, note);
    }

    /** Whether the check thread runs (on the master only); any thread. */
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /**
     * Stops the check thread and persists the progress. Idempotent. {@link #start} may run again (a replica promoted
     * once more); it recovers first.
     */
    @Override
    public synchronized void close() {
        if (executor == null) {
            return;
        }
        recoverAtStart = true;
        if (!executor.shutdown(10_000)) {
            LOG.warn("{} did not finish its scan within 10 s; interrupting it", THREAD_NAME);
            executor.interrupt();
        }
        executor = null;
        try {
            persistProgress();
        } catch (RuntimeException e) {
            LOG.error("could not persist the transaction progress; the next start re-reads more op records", e);
        }
    }
}
