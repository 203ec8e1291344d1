package io.tidemq.broker.schedule;

import io.tidemq.common.timer.TimerClosedException;
import io.tidemq.common.timer.TimingWheelTimer;
import io.tidemq.store.CorruptRecordException;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.InvalidMessageException;
import io.tidemq.store.MessageRecord;
import io.tidemq.store.OffsetOutOfRangeException;
import io.tidemq.store.PutResult;
import io.tidemq.store.StoredMessage;
import io.tidemq.store.SyncFlushTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers due entries on the delivery executor: reads the timer-topic record, re-puts it into its real topic
 * (or, for a roll, into the timer topic again) and reports completion to the entry's slot. A failed put is
 * retried after {@value #RETRY_DELAY_MS} ms; an entry whose record is gone (CommitLog retention, corruption) is
 * given up, logged and counted as lost.
 */
final class TimerDelivery {

    private static final Logger log = LoggerFactory.getLogger(TimerDelivery.class);
    static final long RETRY_DELAY_MS = 1_000;

    private final DefaultMessageStore store;
    private final BrokerMessagePutter putter;
    private final TimerStats stats;
    /** Entries loaded and not yet completed (the service's in-memory figure). */
    private final AtomicInteger inFlight;
    /** Entries indexed and not yet completed. */
    private final AtomicLong pending;
    private final Runnable onCapacityFreed;
    private final int maxInFlight;
    /** Set once the guard's window is over; read by every delivery. */
    private volatile RedeliveryGuard guard;
    /** Set by the service before it closes the wheel; no new put starts after it. */
    private volatile boolean stopping;
    /** Set once, before the first entry is scheduled. */
    private volatile TimingWheelTimer wheel;
    /** Puts started and not completed, so a clean close can wait for them. */
    private final AtomicInteger putsInProgress = new AtomicInteger();

    TimerDelivery(DefaultMessageStore store, BrokerMessagePutter putter, TimerStats stats, AtomicInteger inFlight,
                  AtomicLong pending, int maxInFlight, Runnable onCapacityFreed) {
        this.store = store;
        this.putter = putter;
        this.stats = stats;
        this.inFlight = inFlight;
        this.pending = pending;
        this.maxInFlight = maxInFlight;
        this.onCapacityFreed = onCapacityFreed;
    }

    void wheel(TimingWheelTimer timingWheel) {
        this.wheel = timingWheel;
    }

    void guard(RedeliveryGuard redeliveryGuard) {
        this.guard = redeliveryGuard;
    }

    RedeliveryGuard guard() {
        return guard;
    }

    void stop() {
        stopping = true;
    }

    int putsInProgress() {
        return putsInProgress.get();
    }

    /** Counts an entry against its slot and hands it to the wheel. Scan thread. */
    void schedule(ScheduledEntry entry) {
        entry.progress.outstanding.incrementAndGet();
        inFlight.incrementAndGet();
        wheel.scheduleAt(entry, entry.fireAtMs);
    }

    /** Delivery executor. */
    void deliver(ScheduledEntry entry) {
        if (stopping) {
            return; // stays outstanding: the slot is loaded again at the next start
        }
        StoredMessage scheduled;
        MessageRecord out;
        try {
            scheduled = store.readByPhysicalOffset(entry.commitLogOffset);
            if (!TimerRecords.TOPIC.equals(scheduled.topic()) || scheduled.storeSizeBytes() != entry.sizeBytes) {
                throw new InvalidMessageException("the record at " + entry.commitLogOffset + " is "
                        + scheduled + ", not the scheduled message of " + entry.sizeBytes + " bytes");
            }
            out = entry.roll ? TimerRecords.rolled(scheduled) : TimerRecords.delivery(scheduled);
        } catch (OffsetOutOfRangeException | CorruptRecordException | InvalidMessageException e) {
            stats.lost.increment();
            log.error("scheduled message {} cannot be delivered and is dropped: {}", entry, e.getMessage());
            complete(entry);
            return;
        } catch (RuntimeException e) {
            retryLater(entry, e);
            return;
        }
        RedeliveryGuard g = guard;
        if (entry.suspect && g != null && g.alreadyStored(out.topic(), out.queueId(), scheduled.physicalOffset())) {
            stats.duplicatesSkipped.increment();
            log.debug("{} was re-put before the restart; not putting it again", entry);
            complete(entry);
            return;
        }
        putsInProgress.incrementAndGet();
        CompletableFuture<PutResult> put;
        try {
            put = entry.roll ? store.putMessage(out) : putter.putMessage(out);
        } catch (RuntimeException e) {
            put = CompletableFuture.failedFuture(e);
        }
        put.whenComplete((result, failure) -> {
            putsInProgress.decrementAndGet();
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause == null || cause instanceof SyncFlushTimeoutException) {
                // a flush timeout means appended, durable soon: putting again would duplicate it
                (entry.roll ? stats.rolled : stats.delivered).increment();
                complete(entry);
            } else {
                retryLater(entry, cause);
            }
        });
    }

    private void retryLater(ScheduledEntry entry, Throwable cause) {
        stats.putFailures.increment();
        if (stopping) {
            return;
        }
        log.warn("re-put of scheduled message {} failed ({}); retrying in {} ms", entry, cause.toString(),
                RETRY_DELAY_MS);
        try {
            wheel.schedule(entry, RETRY_DELAY_MS);
        } catch (TimerClosedException e) {
            // closing: the entry stays outstanding and is loaded again at the next start
        }
    }

    private void complete(ScheduledEntry entry) {
        entry.progress.outstanding.decrementAndGet();
        pending.decrementAndGet();
        if (inFlight.decrementAndGet() == maxInFlight - 1) {
            onCapacityFreed.run();
        }
    }

    /** Counters of deliveries since start; LongAdders updated by the delivery threads. */
    static final class TimerStats {
        final LongAdder delivered = new LongAdder();
        final LongAdder rolled = new LongAdder();
        final LongAdder duplicatesSkipped = new LongAdder();
        final LongAdder lost = new LongAdder();
        final LongAdder putFailures = new LongAdder();
    }
}
