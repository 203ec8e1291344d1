package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.broker.support.BrokerThreads;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.common.timer.TimerConfig;
import io.tidemq.common.timer.TimingWheelTimer;
import io.tidemq.store.api.MessageArrivalListener;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.timer.TimerCheckpoint;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Delivers delayed messages. Scheduled messages wait in {@value TimerRecords#TOPIC}; this service indexes them
 * into the persistent {@link TimerStore} (timer log + slot ring + checkpoint under {@code <storePath>/timer}),
 * loads only the slots due within {@code timerLookAheadMs} into an in-memory {@link TimingWheelTimer}, and when
 * an entry is due re-puts its message into REAL_TOPIC / REAL_QID through the put door ({@link BrokerStore#putSystemMessage}).
 *
 * <p>Threads: {@code tidemq-timer-scan} owns the timer store and every field marked "scan thread" (it indexes,
 * loads due slots and checkpoints); the wheel's driver {@code tidemq-timer-delay} hands due entries to
 * {@code tidemq-timer-deliver-N}, which re-put them and report completion through atomics only.
 *
 * <p>Never early: an entry is scheduled at its due time on the wheel, which never fires early. On time: a slot is
 * loaded at least {@code timerLookAheadMs} before it starts, and an entry indexed after its slot was loaded goes
 * to the wheel directly. Exactly once: see {@link RedeliveryGuard} and docs/delayed-messages.md.
 *
 * <p>A message due more than {@code timerRollWindowMs} after it was stored is "rolled": at that point its record
 * is re-put into the timer topic (same due time) and indexed again, so CommitLog retention never deletes a
 * message that still waits.
 */
public final class TimerMessageService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TimerMessageService.class);
    static final long CHECKPOINT_INTERVAL_MS = 200;
    private static final long IDLE_PARK_MS = 100;
    private static final int INDEX_BATCH = 256;
    private static final long INDEX_BATCH_BYTES = 4 << 20;
    private static final int INDEX_BATCHES_PER_ROUND = 32;
    private static final int DELIVER_THREADS = 2;
    private static final long CLOSE_WAIT_MS = 5_000;

    /** STOPPED: a run ended by {@link #stop()} (a master demoted at run time); {@link #start()} may run again. */
    private enum State { NEW, RUNNING, STOPPED, CLOSED }

    private final TimerSettings settings;
    private final MessageStore store;
    private final Path dir;
    private final LongSupplier clockMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong pending = new AtomicLong();
    private final TimerDelivery.TimerStats stats = new TimerDelivery.TimerStats();
    /** One per run (a stopped delivery refuses new puts for good); set by start() under this, read by the run's threads. */
    private volatile TimerDelivery delivery;
    /** One per run; the scan thread of that run (see the class comment). */
    private SlotProgressTracker progress = new SlotProgressTracker();
    /** The arrival listener is added to the store once, at the first start; guarded by this. */
    private boolean arrivalListenerAdded;
    /**
     * While stopped: the lowest CommitLog end and timer-topic queue end a truncation left (a demoted master's log
     * cut to its new master's), or {@code Long.MAX_VALUE}; the next start drops timer entries past the first and
     * indexes again from the second, as after a crash that lost the tail. Guarded by this.
     */
    private long truncatedLogEnd = Long.MAX_VALUE;
    private long truncatedTimerQueueEnd = Long.MAX_VALUE;

    /** Lifecycle; transitions under this. */
    private State state = State.NEW;
    /** The scan thread; set by start() (under this), read by wakeUp() from the dispatch and delivery threads. */
    private volatile ServiceThread scanThread;
    private ExecutorService deliverExecutor;
    private TimingWheelTimer wheel;

    // scan thread (and start/close around it)
    private TimerStore timerStore;
    private long loadSlotMs;
    private ChainWalk walk;
    private long lastCheckpointMs;
    /** Next timer-topic queue offset to index; written by the scan thread, read by stats. */
    private volatile long indexedQueueOffset;
    /**
     * Scan thread: the highest delivered cursor any entry was indexed with (the cursor is not monotone: an entry
     * indexed late opens a slot before it), and its value, the indexed offset and the time at the previous
     * checkpoint (see {@link #publishProgress} and TimerProgress).
     */
    private long maxIndexCursorMs = TimerCheckpoint.UNKNOWN_CURSOR;
    private long pairIndexedOffset;
    private long pairCursorMs = TimerCheckpoint.UNKNOWN_CURSOR;
    private long pairWrittenAtMs;
    /** Scan thread: entries below this queue offset firing before {@link #skipBeforeSlotMs} were delivered by a
     *  former master (adopted TimerProgress); they are not indexed again. */
    private long skipBelowQueueOffset;
    private long skipBeforeSlotMs = Long.MIN_VALUE;
    /** Scan thread: what {@link #publishProgress} last saw, and publications since it last changed. */
    private long publishedActivity = -1;
    private int quietPublications;
    /** Written by the scan thread, read by HA_METADATA snapshots on any thread; null before the first. */
    private volatile TimerProgress published;
    /** Moves whenever {@link #published} changes; any thread. */
    private final AtomicLong publishedVersion = new AtomicLong();
    /** Entries not indexed again because a former master had delivered them; scan thread writes. */
    private final AtomicLong skippedDelivered = new AtomicLong();

    /**
     * @param dir where the timer store lives ({@code <storePath>/timer})
     * @throws io.tidemq.broker.config.BrokerConfigException when the roll window does not fit the store's retention
     */
    public TimerMessageService(TimerSettings settings, BrokerStore door, Path dir, LongSupplier clockMs) {
        MessageStore store = door.store();
        settings.checkAgainstRetention(store.config().retentionHours());
        this.settings = settings;
        this.store = store;
        this.dir = dir;
        this.clockMs = clockMs;
        this.door = door;
        this.delivery = newDelivery();
    }

    private final BrokerStore door;

    private TimerDelivery newDelivery() {
        return new TimerDelivery(door, stats, inFlight, pending, settings.maxInFlight(), this::wakeUp);
    }

    /**
     * Opens and recovers the timer store and starts the threads. The message store must be running. Runs again after
     * {@link #stop()} (a replica promoted to master at run time), from the progress its master replicated when there
     * is one ({@link #adoptReplicated}), else from its own timer store.
     */
    public synchronized void start() {
        if (state != State.NEW && state != State.STOPPED) {
            throw new IllegalStateException("the timer service cannot start: it is " + state);
        }
        if (state == State.STOPPED) {
            resetRunState();
        }
        state = State.RUNNING;
        long nowMs = clockMs.getAsLong();
        TimerProgress adopted = readAdopted();
        if (adopted != null) {
            deleteTimerStore(); // a slave's timer store is not its master's (see adoptReplicated)
        }
        // entries whose record was lost with the CommitLog's tail are dropped (storage-audit #8)
        TimerStoreConfig timerConfig = new TimerStoreConfig(dir, settings.precisionMs(), settings.slotCount(),
                TimerStoreConfig.DEFAULT_LOG_SEGMENT_BYTES);
        // after a run-time stop the log may have been cut since, and refilled by another master: nothing past the cut
        timerStore = truncatedLogEnd == Long.MAX_VALUE ? store.openTimerStore(timerConfig)
                : store.openTimerStore(timerConfig, truncatedLogEnd);
        TimerStore.Recovery recovery = timerStore.recovery();
        TimerCheckpoint checkpoint = recovery.checkpoint();
        long queueEnd = store.maxQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID);
        if (adopted != null) {
            // resume where the former master was: index the whole timer topic again, skipping what it delivered
            long cursorSlot = timerStore.slotTimeOf(adopted.deliveredCursorMs());
            checkpoint = new TimerCheckpoint(store.minQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID), 0,
                    cursorSlot, adopted.guardFromMs() + RedeliveryGuard.CLOCK_MARGIN_MS, false);
            skipBelowQueueOffset = adopted.indexedBelowQueueOffset();
            skipBeforeSlotMs = cursorSlot;
            log.info("timer service resumes from its former master's progress {}", adopted);
        }
        indexedQueueOffset = checkpoint.indexedQueueOffset();
        if (adopted == null && indexedQueueOffset > truncatedTimerQueueEnd) {
            log.warn("the log was cut while the timer was stopped; indexing {} again from queue offset {}",
                    TimerRecords.TOPIC, truncatedTimerQueueEnd);
            indexedQueueOffset = truncatedTimerQueueEnd;
        }
        truncatedLogEnd = Long.MAX_VALUE;
        truncatedTimerQueueEnd = Long.MAX_VALUE;
        if (indexedQueueOffset > queueEnd) {
            log.warn("the timer index is ahead of {} ({} > {}): the CommitLog lost its tail; indexing from {}",
                    TimerRecords.TOPIC, indexedQueueOffset, queueEnd, queueEnd);
            indexedQueueOffset = queueEnd;
        }
        long cursor = checkpoint.deliveredCursorMs();
        loadSlotMs = cursor == TimerCheckpoint.UNKNOWN_CURSOR ? timerStore.slotTimeOf(nowMs) : cursor;
        pending.set(recovery.pendingEntries());
        delivery.guard(newGuard(checkpoint, nowMs));
        if (cursor != TimerCheckpoint.UNKNOWN_CURSOR) {
            // what the last run indexed below the checkpoint's offset used cursors up to its next load slot, at
            // most a look-ahead and a slot past the checkpoint's time (the cursor itself may have moved back)
            maxIndexCursorMs = Math.max(cursor, timerStore.slotTimeOf(checkpoint.writtenAtMs()
                    + settings.lookAheadMs()) + 2 * settings.precisionMs());
            pairIndexedOffset = indexedQueueOffset;
            pairCursorMs = maxIndexCursorMs;
            pairWrittenAtMs = checkpoint.writtenAtMs();
        }
        if (adopted != null) {
            // the store now holds its own checkpoint; a crash from here re-indexes as any unclean restart does
            deleteAdopted();
        }

        deliverExecutor = Executors.newFixedThreadPool(DELIVER_THREADS,
                NamedThreadFactory.pool("tidemq-timer-deliver", true));
        wheel = new TimingWheelTimer(TimerConfig.defaults("delay"), deliverExecutor);
        delivery.wheel(wheel);
        scanThread = new ScanLoop();
        scanThread.start();
        if (arrivalListenerAdded) {
            log.info("timer service started again: {} scheduled, {} to index, delivered up to {}",
                    recovery.pendingEntries(), queueEnd - indexedQueueOffset, loadSlotMs);
            return;
        }
        arrivalListenerAdded = true;
        // the scan loop also polls: a delayed message's dispatch may wait for the dispatcher's idle park (1 ms)
        store.addArrivalListener(new MessageArrivalListener() {
            @Override
            public void onArrival(String topic, int queueId, long maxQueueOffset) {
                if (queueId == TimerRecords.QUEUE_ID && TimerRecords.TOPIC.equals(topic)) {
                    wakeUp();
                }
            }

            @Override
            public boolean waitingForArrivals() {
                return false;
            }
        });
        log.info("timer service started: {} scheduled, {} to index, delivered up to {}, precision {} ms,"
                + " look-ahead {} ms", recovery.pendingEntries(), queueEnd - indexedQueueOffset, loadSlotMs,
                settings.precisionMs(), settings.lookAheadMs());
    }

    /** Before a new run: what the stopped run's scan thread owned starts afresh. Under this, no thread running. */
    private void resetRunState() {
        delivery = newDelivery();
        progress = new SlotProgressTracker();
        inFlight.set(0);
        walk = null;
        lastCheckpointMs = 0;
        maxIndexCursorMs = TimerCheckpoint.UNKNOWN_CURSOR;
        pairIndexedOffset = 0;
        pairCursorMs = TimerCheckpoint.UNKNOWN_CURSOR;
        pairWrittenAtMs = 0;
        skipBelowQueueOffset = 0;
        skipBeforeSlotMs = Long.MIN_VALUE;
        publishedActivity = -1;
        quietPublications = 0;
    }

    /**
     * The replication cut this replica's log (its handshake with a new master): remembered for the next start. Only
     * while not running (a master's log is never cut); the replication thread.
     */
    public synchronized void logTruncated() {
        if (state == State.RUNNING) {
            log.error("the log was cut while the timer delivers; its entries past the cut are dropped at the next"
                    + " start only");
        }
        truncatedLogEnd = Math.min(truncatedLogEnd, store.commitLogMaxOffset());
        truncatedTimerQueueEnd = Math.min(truncatedTimerQueueEnd,
                store.maxQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID));
    }

    /** Whether deliveries run now (the master's timer); any thread. */
    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    private RedeliveryGuard newGuard(TimerCheckpoint checkpoint, long nowMs) {
        long cursor = checkpoint.deliveredCursorMs();
        long fromCursor = cursor == TimerCheckpoint.UNKNOWN_CURSOR ? Long.MAX_VALUE
                : cursor - settings.lookAheadMs() - settings.precisionMs();
        long windowStart = Math.min(fromCursor, checkpoint.writtenAtMs()) - RedeliveryGuard.CLOCK_MARGIN_MS;
        return new RedeliveryGuard(store, windowStart, nowMs + RedeliveryGuard.CLOCK_MARGIN_MS);
    }

    void wakeUp() {
        ServiceThread t = scanThread;
        if (t != null) {
            t.wakeup();
        }
    }

    /** The {@code tidemq-timer-scan} thread: index, load due slots, checkpoint, then wait for work or time. */
    private final class ScanLoop extends ServiceThread {
        ScanLoop() {
            super("tidemq-timer-scan");
        }

        @Override
        protected void onLoop() {
            long nowMs = clockMs.getAsLong();
            indexNewMessages(nowMs);
            loadDueSlots(nowMs);
            maybeCheckpoint(nowMs);
            long nextLoadInMs = loadSlotMs - settings.lookAheadMs() - nowMs;
            waitForRunning(Math.max(1, Math.min(IDLE_PARK_MS, nextLoadInMs)));
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            log.error("timer scan failed; retrying in 1 s", failure);
            waitForRunning(1_000);
            return true;
        }
    }

    /** Scan thread: appends newly stored timer-topic messages to the timer store. */
    private void indexNewMessages(long nowMs) {
        for (int round = 0; round < INDEX_BATCHES_PER_ROUND; round++) {
            long from = indexedQueueOffset;
            var r = store.getMessages(TimerRecords.TOPIC, TimerRecords.QUEUE_ID, from, INDEX_BATCH,
                    INDEX_BATCH_BYTES, null);
            switch (r.status()) {
                case FOUND -> {
                    for (var m : r.messages()) {
                        if (m.queueOffset() < skipBelowQueueOffset && timerStore.slotTimeOf(fireAtMs(
                                m.storeTimestampMs(), TimerRecords.deliverAtMs(m))) < skipBeforeSlotMs) {
                            skippedDelivered.incrementAndGet(); // the former master delivered it
                            indexedQueueOffset = m.queueOffset() + 1;
                            continue;
                        }
                        if (!index(m.physicalOffset(), m.storeSizeBytes(), m.storeTimestampMs(),
                                TimerRecords.deliverAtMs(m), nowMs)) {
                            return; // ring position busy: try again once delivery moved on
                        }
                        indexedQueueOffset = m.queueOffset() + 1;
                    }
                    indexedQueueOffset = Math.max(indexedQueueOffset, r.nextBeginOffset());
                    if (r.messages().size() < INDEX_BATCH) {
                        return;
                    }
                }
                case NO_MESSAGE -> {
                    indexedQueueOffset = Math.max(from, r.nextBeginOffset());
                    return;
                }
                case OFFSET_TOO_SMALL -> {
                    if (r.nextBeginOffset() <= from) {
                        return;
                    }
                    long lost = r.nextBeginOffset() - from;
                    stats.lost.add(lost);
                    log.error("{} scheduled message(s) at queue offsets [{}, {}) were deleted by CommitLog retention"
                            + " before they were indexed; they will not be delivered", lost, from, r.nextBeginOffset());
                    indexedQueueOffset = r.nextBeginOffset();
                }
                case OFFSET_TOO_BIG -> {
                    log.warn("timer index offset {} is past the end of {}; indexing from {}", from,
                            TimerRecords.TOPIC, r.nextBeginOffset());
                    indexedQueueOffset = r.nextBeginOffset();
                    return;
                }
                default -> throw new IllegalStateException("unexpected status " + r.status());
            }
        }
    }

    /** When an entry fires: its due time, or its roll point when due beyond the roll window. */
    private long fireAtMs(long storeTimestampMs, long deliverAtMs) {
        long rollAtMs = storeTimestampMs + settings.rollWindowMs();
        return deliverAtMs > rollAtMs ? rollAtMs : deliverAtMs;
    }

    /**
     * Scan thread: places one scheduled message. Its slot is the one of its fire time (the due time, or the roll
     * point when due beyond the roll window). A slot that was already loaded cannot take entries through the
     * log alone, so such an entry is linked into a slot that is still open (never before the delivered cursor,
     * or recovery would skip it) and handed to the wheel at once.
     *
     * @return false when the slot's ring position is still held by an undelivered slot
     */
    private boolean index(long commitLogOffset, int sizeBytes, long storeTimestampMs, long deliverAtMs, long nowMs) {
        long rollAtMs = storeTimestampMs + settings.rollWindowMs();
        boolean roll = deliverAtMs > rollAtMs;
        long fireAtMs = roll ? rollAtMs : deliverAtMs;
        long target = timerStore.slotTimeOf(fireAtMs);
        long cursor = progress.cursor(loadSlotMs);
        maxIndexCursorMs = Math.max(maxIndexCursorMs, cursor);
        boolean direct = target < loadSlotMs;
        long slot = direct ? Math.max(target, Math.min(cursor, loadSlotMs - settings.precisionMs())) : target;
        long position = timerStore.append(deliverAtMs, slot, commitLogOffset, sizeBytes,
                roll ? TimerLogRecord.FLAG_ROLL : 0, Math.min(cursor, slot));
        if (position == TimerLogRecord.NO_POSITION) {
            return false;
        }
        pending.incrementAndGet();
        if (direct) {
            delivery.schedule(entry(commitLogOffset, sizeBytes, fireAtMs, roll, progress.forDirectEntry(slot)));
        }
        return true;
    }

    private ScheduledEntry entry(long commitLogOffset, int sizeBytes, long fireAtMs, boolean roll, SlotProgress p) {
        RedeliveryGuard guard = delivery.guard();
        boolean suspect = guard != null && guard.isSuspect(fireAtMs);
        return new ScheduledEntry(commitLogOffset, sizeBytes, fireAtMs, roll, suspect, p, delivery);
    }

    /** Scan thread: hands the entries of every slot due within the look-ahead to the wheel, up to maxInFlight. */
    private void loadDueSlots(long nowMs) {
        while (inFlight.get() < settings.maxInFlight()) {
            if (walk != null) {
                if (!walk.advance()) {
                    return;
                }
                walk = null;
                continue;
            }
            if (loadSlotMs > nowMs + settings.lookAheadMs()) {
                return;
            }
            long slot = loadSlotMs;
            loadSlotMs += settings.precisionMs();
            if (timerStore.countOf(slot) > 0) {
                walk = new ChainWalk(slot, timerStore.headOf(slot), progress.startLoading(slot));
            }
        }
    }

    /** Scan thread: forces the timer log and records how far indexing and delivery got. */
    private void maybeCheckpoint(long nowMs) {
        long cursor = progress.cursor(loadSlotMs);
        if (nowMs - lastCheckpointMs < CHECKPOINT_INTERVAL_MS) {
            return;
        }
        lastCheckpointMs = nowMs;
        TimerCheckpoint last = timerStore.lastCheckpoint();
        if (last.deliveredCursorMs() == cursor && last.indexedQueueOffset() == indexedQueueOffset
                && last.logEndPosition() == timerStore.logWritePosition()) {
            return;
        }
        timerStore.checkpoint(indexedQueueOffset, cursor, nowMs);
        publishProgress(cursor, nowMs);
        RedeliveryGuard guard = delivery.guard();
        if (guard != null && cursor > guard.suspectBeforeMs() + settings.precisionMs()) {
            delivery.guard(null); // every entry that could have been re-put before the restart is done
        }
    }

    /**
     * Scan thread, after a checkpoint: everything indexed by the previous checkpoint was indexed with a cursor up to
     * {@link #pairCursorMs}; once the cursor is past that, it is what {@link TimerProgress} promises.
     */
    private void publishProgress(long cursor, long nowMs) {
        if (cursor == TimerCheckpoint.UNKNOWN_CURSOR) {
            return;
        }
        if (cursor <= pairCursorMs) {
            return; // keep the pair until the cursor passes it
        }
        // an idle timer moves its cursor with time: publish after activity and once more after it stopped (so the
        // last publication names a cursor past the last delivery), not every checkpoint; an older publication stays
        // true, it only skips less
        long activity = indexedQueueOffset + stats.delivered.sum() + stats.deadLettered.sum() + stats.lost.sum()
                + stats.duplicatesSkipped.sum();
        boolean publish = activity != publishedActivity || quietPublications < 1;
        quietPublications = activity != publishedActivity ? 0 : quietPublications + 1;
        publishedActivity = activity;
        if (publish && pairCursorMs != TimerCheckpoint.UNKNOWN_CURSOR) {
            long guardFromMs = Math.min(cursor - settings.lookAheadMs() - settings.precisionMs(), pairWrittenAtMs)
                    - RedeliveryGuard.CLOCK_MARGIN_MS;
            published = new TimerProgress(pairIndexedOffset, cursor, guardFromMs);
            publishedVersion.incrementAndGet();
        }
        pairIndexedOffset = indexedQueueOffset;
        pairCursorMs = Math.max(cursor, maxIndexCursorMs);
        pairWrittenAtMs = nowMs;
    }

    /** What a slave copies (HA_METADATA); null until the cursor moved twice. Any thread. */
    public TimerProgress progress() {
        return published;
    }

    /** Moves whenever {@link #progress()} changed. Any thread. */
    public long progressVersion() {
        return publishedVersion.get();
    }

    /** Timer-topic entries not indexed at start because the former master had delivered them. */
    public long skippedDeliveredCount() {
        return skippedDelivered.get();
    }

    /**
     * Slave: keeps its master's timer progress in {@value TimerProgress#FILE_NAME} and drops its own timer store (a
     * stale index of a former life as master, if any), so that a later {@link #start} resumes from the master's
     * progress. The replication thread. Ignored while this service runs (a master's own progress rules) and once it
     * is closed; a master demoted at run time {@link #stop() stops} first and then takes its new master's.
     *
     * @return whether the progress was taken
     */
    public synchronized boolean adoptReplicated(TimerProgress master) {
        if (state == State.RUNNING || state == State.CLOSED || master.equals(readAdopted())) {
            return false;
        }
        deleteTimerStore();
        new AtomicJsonFile(adoptedFile()).write(master);
        return true;
    }

    private Path adoptedFile() {
        return dir.resolveSibling(TimerProgress.FILE_NAME);
    }

    private TimerProgress readAdopted() {
        return new AtomicJsonFile(adoptedFile()).read(TimerProgress.class);
    }

    private void deleteAdopted() {
        try {
            Files.deleteIfExists(adoptedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + adoptedFile() + "; delete it by hand before"
                    + " the next start (it would make the timer index its topic again)", e);
        }
    }

    /** Deletes the (closed) timer store's directory. */
    private void deleteTimerStore() {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the timer store " + dir + "; delete it by hand", e);
        }
    }

    /** Walks one slot's chain, newest entry first, possibly over several rounds when maxInFlight is reached. */
    private final class ChainWalk {
        private final long slotTimeMs;
        private final SlotProgress slotProgress;
        private long position;

        ChainWalk(long slotTimeMs, long head, SlotProgress slotProgress) {
            this.slotTimeMs = slotTimeMs;
            this.position = head;
            this.slotProgress = slotProgress;
        }

        /** Returns true once the whole chain is loaded. */
        boolean advance() {
            while (position >= 0 && inFlight.get() < settings.maxInFlight()) {
                TimerLogRecord r = timerStore.read(position);
                if (r == null || r.slotTimeMs() != slotTimeMs) {
                    log.error("timer slot {} chain is broken at position {} ({}); the rest of the slot is skipped",
                            slotTimeMs, position, r);
                    break;
                }
                long fireAtMs = r.isRoll() ? r.slotTimeMs() : r.deliverAtMs();
                delivery.schedule(entry(r.commitLogOffset(), r.sizeBytes(), Math.max(fireAtMs, r.slotTimeMs()),
                        r.isRoll(), slotProgress));
                position = r.prevPosition();
            }
            if (position >= 0 && inFlight.get() >= settings.maxInFlight()) {
                return false;
            }
            slotProgress.loadedAll = true;
            return true;
        }
    }

    /**
     * Scheduled messages not yet delivered: indexed ones plus those dispatched to the timer topic's queue but not
     * indexed yet. It follows the CommitLog dispatcher, so a message acknowledged a few milliseconds ago may not be
     * counted yet.
     */
    public long scheduledCount() {
        long backlog = store.maxQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID) - indexedQueueOffset;
        return pending.get() + Math.max(0, backlog);
    }

    /** Entries currently held in memory (loaded into the wheel, not yet delivered). */
    public int inMemoryCount() {
        return inFlight.get();
    }

    public long deliveredCount() {
        return stats.delivered.sum();
    }

    public long rolledCount() {
        return stats.rolled.sum();
    }

    /** Entries skipped at recovery because their re-put was already stored before the restart. */
    public long duplicatesSkippedCount() {
        return stats.duplicatesSkipped.sum();
    }

    /** Entries moved to {@link TimerRecords#DEAD_LETTER_TOPIC} because they could never be delivered. */
    public long deadLetteredCount() {
        return stats.deadLettered.sum();
    }

    /** Entries given up because their message was gone (retention, corruption) or could not even be dead-lettered. */
    public long lostCount() {
        return stats.lost.sum();
    }

    /** Clean stop: waits for puts in progress, then persists the delivered cursor and closes the timer store. */
    @Override
    public synchronized void close() {
        stopRun();
        state = State.CLOSED;
    }

    /**
     * Ends this run as {@link #close()} does but may {@link #start()} again: a master demoted at run time stops
     * delivering (its puts would be refused, and the new master delivers). Nothing happens when not running.
     */
    public synchronized void stop() {
        if (state == State.RUNNING) {
            stopRun();
            state = State.STOPPED;
        }
    }

    private void stopRun() {
        if (!stopThreads(true)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (delivery.putsInProgress() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long cursor = progress.cursor(loadSlotMs);
        timerStore.close(indexedQueueOffset, cursor, clockMs.getAsLong());
        log.info("timer service stopped: {} scheduled, delivered up to {}", pending.get(), cursor);
    }

    /** Stops as a crash would: no final checkpoint (the next start repairs from the last one). For tests. */
    public synchronized void closeAbruptly() {
        if (stopThreads(false)) {
            timerStore.closeAbruptly();
        }
        state = State.CLOSED;
    }

    /** Returns false when there was nothing running to stop. */
    private boolean stopThreads(boolean waitForDeliveries) {
        if (state != State.RUNNING) {
            return false;
        }
        state = State.STOPPED;
        scanThread.shutdown(CLOSE_WAIT_MS);
        delivery.stop();
        wheel.close();
        if (waitForDeliveries) {
            BrokerThreads.shutdown(deliverExecutor, "tidemq-timer-deliver", CLOSE_WAIT_MS);
        } else {
            deliverExecutor.shutdownNow();
        }
        return true;
    }
}
