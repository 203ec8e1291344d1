package io.tidemq.broker.schedule;

import io.tidemq.broker.store.BrokerStore;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.timer.TimerClosedException;
import io.tidemq.common.timer.TimingWheelTimer;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.SyncFlushTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers due entries on the delivery executor: reads the timer-topic record, re-puts it into its real topic
 * (or, for a roll, into the timer topic again) and reports completion to the entry's slot.
 *
 * <p>Every entry completes, so one bad message never freezes the delivered cursor (and, a roll window later,
 * indexing): a failed put is retried after {@value #RETRY_DELAY_MS} ms, doubling up to {@value #MAX_RETRY_DELAY_MS}
 * ms, at most {@value #MAX_PUT_ATTEMPTS} times. A put the store refuses for good (the message breaks a store limit,
 * e.g. {@code maxMessageBytes} lowered across a restart), a record that cannot be turned into a delivery
 * (no REAL_TOPIC), and an entry out of attempts go to {@link TimerRecords#DEAD_LETTER_TOPIC}. When even that put
 * fails, or the record is gone (CommitLog retention, corruption), the entry is given up, logged and counted as lost.
 */
final class TimerDelivery {

    private static final Logger log = LoggerFactory.getLogger(TimerDelivery.class);
    static final long RETRY_DELAY_MS = 1_000;
    static final long MAX_RETRY_DELAY_MS = 30_000;
    /** Failed re-puts of one entry before it is dead-lettered: about 1.5 minutes of retries. */
    static final int MAX_PUT_ATTEMPTS = 8;

    /** Reads the timer-topic records; re-puts, rolls and dead letters go through its put door. */
    private final BrokerStore door;
    private final MessageStore store;
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

    TimerDelivery(BrokerStore door, TimerStats stats, AtomicInteger inFlight,
                  AtomicLong pending, int maxInFlight, Runnable onCapacityFreed) {
        this.door = door;
        this.store = door.store();
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
        try {
            scheduled = store.readByPhysicalOffset(entry.commitLogOffset);
            if (!TimerRecords.TOPIC.equals(scheduled.topic()) || scheduled.storeSizeBytes() != entry.sizeBytes) {
                throw new CorruptRecordException(entry.commitLogOffset, "the record is " + scheduled
                        + ", not the scheduled message of " + entry.sizeBytes + " bytes");
            }
        } catch (OffsetOutOfRangeException | CorruptRecordException e) {
            stats.lost.increment();
            log.error("scheduled message {} cannot be delivered and is dropped: {}", entry, e.getMessage());
            complete(entry);
            return;
        } catch (RuntimeException e) {
            retryLater(entry, null, e);
            return;
        }
        MessageRecord out;
        try {
            out = entry.roll ? TimerRecords.rolled(scheduled) : TimerRecords.delivery(scheduled);
        } catch (InvalidMessageException e) {
            deadLetter(entry, scheduled, e); // no REAL_TOPIC, or one the store cannot hold
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
            put = door.putSystemMessage(out); // a roll stays in the timer topic as it is
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
            } else if (cause instanceof InvalidMessageException) {
                // the store refuses this record whatever we do (a limit of the format or the configuration)
                stats.putFailures.increment();
                deadLetter(entry, scheduled, cause);
            } else {
                retryLater(entry, scheduled, cause);
            }
        });
    }

    /** @param scheduled the timer-topic record, or {@code null} when it could not be read */
    private void retryLater(ScheduledEntry entry, StoredMessage scheduled, Throwable cause) {
        stats.putFailures.increment();
        if (stopping) {
            return;
        }
        int failed = ++entry.failedAttempts;
        if (failed >= MAX_PUT_ATTEMPTS) {
            if (scheduled != null) {
                deadLetter(entry, scheduled, cause);
            } else {
                stats.lost.increment();
                log.error("scheduled message {} could not be read in {} attempts and is dropped: {}", entry, failed,
                        cause.toString());
                complete(entry);
            }
            return;
        }
        long delayMs = Math.min(MAX_RETRY_DELAY_MS, RETRY_DELAY_MS << Math.min(failed - 1, 20));
        log.warn("re-put of scheduled message {} failed ({}, attempt {} of {}); retrying in {} ms", entry,
                cause.toString(), failed, MAX_PUT_ATTEMPTS, delayMs);
        try {
            wheel.schedule(entry, delayMs);
        } catch (TimerClosedException e) {
            // closing: the entry stays outstanding and is loaded again at the next start
        }
    }

    /**
     * Moves an entry that can never be delivered to the timer's dead-letter topic, through the put door (which
     * stores the timer's own records as they are: the copy keeps DELIVER_AT_MS), and completes it whatever
     * happens, so its slot can finish.
     */
    private void deadLetter(ScheduledEntry entry, StoredMessage scheduled, Throwable cause) {
        String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (scheduled == null) {
            stats.lost.increment();
            log.error("scheduled message {} cannot be delivered and is dropped: {}", entry, why);
            complete(entry);
            return;
        }
        CompletableFuture<PutResult> put;
        try {
            put = door.putSystemMessage(TimerRecords.deadLetter(scheduled, why));
        } catch (RuntimeException e) {
            put = CompletableFuture.failedFuture(e);
        }
        putsInProgress.incrementAndGet();
        put.whenComplete((result, failure) -> {
            putsInProgress.decrementAndGet();
            Throwable dlqCause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (dlqCause == null || dlqCause instanceof SyncFlushTimeoutException) {
                stats.deadLettered.increment();
                log.error("scheduled message {} (msgId {}, for {}) cannot be delivered ({}); moved to {}", entry,
                        scheduled.msgId(), scheduled.property(MessageConst.REAL_TOPIC), why,
                        TimerRecords.DEAD_LETTER_TOPIC);
            } else {
                stats.lost.increment();
                log.error("scheduled message {} (msgId {}, for {}) cannot be delivered ({}) nor moved to {} ({});"
                                + " it is dropped", entry, scheduled.msgId(), scheduled.property(MessageConst.REAL_TOPIC),
                        why, TimerRecords.DEAD_LETTER_TOPIC, dlqCause.toString());
            }
            complete(entry);
        });
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
        final LongAdder deadLettered = new LongAdder();
        final LongAdder putFailures = new LongAdder();
    }
}
