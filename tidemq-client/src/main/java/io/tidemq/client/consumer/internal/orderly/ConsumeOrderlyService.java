package io.tidemq.client.consumer.internal.orderly;

import io.tidemq.client.consumer.internal.RetryCopies;
import io.tidemq.client.consumer.internal.ConsumerRuntime;
import io.tidemq.client.consumer.internal.PullRequest;
import io.tidemq.client.consumer.internal.MessageSendBack;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.consumer.ConsumeOrderlyContext;
import io.tidemq.client.consumer.ConsumeOrderlyStatus;
import io.tidemq.client.consumer.MessageListenerOrderly;
import io.tidemq.client.consumer.internal.ProcessQueue;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a push consumer's {@link MessageListenerOrderly}: each queue is consumed by one task at a time, in queue
 * offset order, on a pool of {@code consumeThreads} threads ({@code tidemq-consume-<group>-n}) that all queues
 * share, and only while this member holds the queue's broker lock ({@link QueueLockService}). A task consumes
 * the head of its queue batch by batch for at most {@value #CONSUME_SLICE_MS} ms, then yields its thread to
 * other queues.
 *
 * <p>After SUCCESS the batch leaves the process queue and the offset moves past it. A failure (SUSPEND or an
 * exception) keeps the batch at the head: the queue pauses {@code suspendCurrentQueueTimeMs} and the same
 * messages come again with {@code reconsumeTimes} one higher. After {@code maxReconsumeTimes} retries the
 * messages go to {@code %DLQ%<group>} (CONSUMER_SEND_MSG_BACK, straight to the DLQ) and the queue continues
 * with the next message; if the broker cannot take them they stay at the head and the move is retried.
 *
 * <p>Threads: {@link #submit} runs on network threads and only schedules; the consume lock of each queue is
 * held by its task during a listener call and the offset update after it.
 */
public final class ConsumeOrderlyService {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeOrderlyService.class);
    /** How long one task keeps its thread before it lets other queues' tasks run. */
    static final long CONSUME_SLICE_MS = 500;
    /** Pause after a failure outside the listener (a bug), so it cannot spin. */
    static final long UNEXPECTED_FAILURE_RETRY_MS = 1_000;
    /** consumeBatch result: go on with the next batch. */
    private static final long NEXT = -1;

    private final String group;
    private final MessageListenerOrderly listener;
    private final ConsumerRuntime runtime;
    private final int batchSize;
    private final int maxReconsumeTimes;
    private final long suspendMs;
    private final ThreadPoolExecutor pool;
    private final QueueLockService locks;
    private final MessageSendBack deadLetters;
    /** Set by {@link #shutdown}; tasks then stop before their next batch. */
    private volatile boolean closing;

    private ConsumeOrderlyService(String group, MessageListenerOrderly listener, ClientConfig config,
                                  ConsumerRuntime runtime, boolean brokerLocks) {
        this.group = group;
        this.listener = listener;
        this.runtime = runtime;
        this.batchSize = config.consumeBatchSize();
        this.maxReconsumeTimes = config.maxReconsumeTimes();
        this.suspendMs = config.suspendCurrentQueueTimeMs();
        int threads = config.consumeThreads();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                NamedThreadFactory.pool("tidemq-consume-" + group, false));
        this.locks = new QueueLockService(runtime, brokerLocks, config.lockRenewIntervalMs(), this::kick);
        this.deadLetters = new MessageSendBack(runtime.instance(), group, maxReconsumeTimes);
    }

    /**
     * Creates the service for a starting runtime (whose instance and offsets are set) and plugs it in: queues are
     * locked before they are read and released after they are revoked; lock renewal starts.
     *
     * @param brokerLocks true for clustering (one member per queue, guarded by broker locks); false for
     *                    broadcasting, where every member reads every queue and only the local order matters
     */
    public static ConsumeOrderlyService attach(String group, MessageListenerOrderly listener, ClientConfig config,
                                               ConsumerRuntime runtime, boolean brokerLocks) {
        ConsumeOrderlyService s = new ConsumeOrderlyService(group, listener, config, runtime, brokerLocks);
        runtime.beforeAssign(s.locks::lockBeforeAssign);
        runtime.beforeRevoke(s.locks::release);
        if (brokerLocks) {
            runtime.fenceByQueueLocks(s::lockRefused);
        }
        s.locks.start();
        return s;
    }

    /** The pull handler: messages were added to the request's process queue; make sure its task runs. */
    public void submit(PullRequest request, List<MessageExt> msgs) {
        OrderlyQueue q = locks.queue(request.queue());
        ProcessQueue pq = request.processQueue();
        if (q == null || pq.isDropped()) {
            return;
        }
        if (q.processQueue != pq) {
            q.processQueue = pq;
        }
        kick(q);
    }

    /**
     * The broker refused a pull of {@code mq} because this member does not hold its lock (its lease ran out and
     * another member took it, or it was never granted): stop consuming it at once and ask for the lock again.
     */
    private void lockRefused(MessageQueue mq) {
        OrderlyQueue q = locks.queue(mq);
        if (q != null && !q.released) {
            q.lost();
            locks.relockSoon(q);
        }
    }

    /** The queues whose broker lock this member holds now. */
    public List<MessageQueue> lockedQueues() {
        return locks.heldQueues();
    }

    /**
     * Stops consuming: lock renewal stops, queued tasks return without consuming, and listener calls in progress
     * get up to {@code awaitMs} to finish. Locks are released by the revokes that follow ({@code close()}).
     */
    public void shutdown(long awaitMs) {
        closing = true;
        locks.stop();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(awaitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("group {}: ordered listener calls still running after {} ms; interrupting them", group,
                        awaitMs);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    private void kick(OrderlyQueue q) {
        if (!closing && q.scheduled.compareAndSet(false, true)) {
            execute(q);
        }
    }

    private void execute(OrderlyQueue q) {
        try {
            pool.execute(() -> run(q));
        } catch (RejectedExecutionException e) {
            q.scheduled.set(false);
            LOG.debug("group {}: consume task for {} dropped: consumer closing", group, q.mq);
        }
    }

    private void run(OrderlyQueue q) {
        boolean rescheduled = false;
        try {
            q.consumeLock.lock();
            try {
                rescheduled = consumeWhileAllowed(q);
                if (!rescheduled) {
                    locks.releaseIfPending(q);
                }
            } finally {
                q.consumeLock.unlock();
            }
        } catch (RuntimeException e) {
            long retryMs = Math.max(suspendMs, UNEXPECTED_FAILURE_RETRY_MS);
            LOG.error("group {}: ordered consumption of {} failed unexpectedly; retrying in {} ms", group, q.mq,
                    retryMs, e);
            rescheduled = true;
            again(q, retryMs);
        } finally {
            if (!rescheduled) {
                q.scheduled.set(false);
                // A pull may have added messages after the last look and found the flag still set.
                if (q.hasWork(System.nanoTime())) {
                    kick(q);
                }
            }
        }
    }

    /** Consumes the head of the queue; returns true when the task was scheduled to run again. */
    private boolean consumeWhileAllowed(OrderlyQueue q) {
        long sliceEnd = System.nanoTime() + CONSUME_SLICE_MS * 1_000_000L;
        while (true) {
            ProcessQueue pq = q.processQueue;
            if (closing || pq == null || pq.isDropped() || q.released) {
                return false;
            }
            if (!q.lockValid(System.nanoTime())) {
                locks.relockSoon(q);
                return false;
            }
            List<MessageExt> batch = pq.firstMessages(batchSize);
            if (batch.isEmpty()) {
                return false;
            }
            long suspendFor = consumeBatch(q, pq, batch);
            if (suspendFor != NEXT) {
                again(q, suspendFor);
                return true;
            }
            if (System.nanoTime() - sliceEnd > 0) {
                execute(q);
                return true;
            }
        }
    }

    /** One listener call; returns {@link #NEXT} or how long to pause before the head is tried again. */
    private long consumeBatch(OrderlyQueue q, ProcessQueue pq, List<MessageExt> batch) {
        long head = batch.get(0).queueOffset();
        if (q.failingOffset != head) {
            q.failingOffset = head;
            q.failures = 0;
        }
        if (q.failures > maxReconsumeTimes) {
            return deadLetter(q, pq, batch); // an earlier move to the DLQ failed: retry only the move
        }
        ConsumeOrderlyStatus status;
        try {
            // a resent dead letter arrives through %RETRY%<group>: show it under its original topic, like the
            // concurrent path does; send-back and commits keep using the copy as pulled
            List<MessageExt> shown = RetryCopies.withOriginTopics(q.mq,
                    q.failures == 0 ? batch : redelivery(batch, q.failures));
            status = listener.consume(shown, new ConsumeOrderlyContext(group, q.mq));
            if (status == null) {
                LOG.warn("group {}: the ordered listener returned null for {}; treating it as"
                        + " SUSPEND_CURRENT_QUEUE_A_MOMENT", group, q.mq);
                status = ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
        } catch (Throwable e) {
            LOG.warn("group {}: the ordered listener threw on offset {} of {}; it is consumed again in place", group,
                    head, q.mq, e);
            status = ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        if (status == ConsumeOrderlyStatus.SUCCESS) {
            consumed(q, pq, batch);
            return NEXT;
        }
        q.failures++;
        if (pq.isDropped()) {
            return NEXT; // revoked meanwhile: not committed, so the next owner consumes it again
        }
        if (q.failures <= maxReconsumeTimes) {
            LOG.debug("group {}: offset {} of {} failed {} time(s); retrying in {} ms", group, head, q.mq,
                    q.failures, suspendMs);
            return suspendMs;
        }
        return deadLetter(q, pq, batch);
    }

    /** Moves the batch to the DLQ message by message, so a failure half-way never moves one twice. */
    private long deadLetter(OrderlyQueue q, ProcessQueue pq, List<MessageExt> batch) {
        for (int i = 0; i < batch.size(); i++) {
            MessageExt m = batch.get(i);
            String dlq;
            try {
                dlq = deadLetters.sendBack(q.mq, m, true).topic();
            } catch (ClientException e) {
                LOG.warn("group {}: offset {} of {} failed {} time(s) but could not be moved to the dead-letter"
                        + " queue ({}); the queue waits and the move is retried in {} ms", group, m.queueOffset(),
                        q.mq, q.failures, e.getMessage(), suspendMs);
                return suspendMs;
            }
            LOG.warn("group {}: offset {} of {} (message {}) failed {} time(s) in place; moved to {}, the queue goes"
                    + " on", group, m.queueOffset(), q.mq, m.msgId(), q.failures, dlq);
            consumed(q, pq, List.of(m));
            if (i + 1 < batch.size()) {
                q.failingOffset = batch.get(i + 1).queueOffset(); // the rest of the batch keeps its count
            }
        }
        return NEXT;
    }

    private void consumed(OrderlyQueue q, ProcessQueue pq, List<MessageExt> msgs) {
        long committable = pq.removeMessages(msgs);
        runtime.offsets().update(q.mq, committable, true);
    }

    private void again(OrderlyQueue q, long delayMs) {
        if (delayMs <= 0) {
            execute(q);
            return;
        }
        try {
            runtime.instance().delayScheduler().schedule(() -> execute(q), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            q.scheduled.set(false);
            LOG.debug("group {}: retry of {} dropped: client shutting down", group, q.mq);
        }
    }

    private static List<MessageExt> redelivery(List<MessageExt> batch, int failures) {
        List<MessageExt> again = new ArrayList<>(batch.size());
        for (MessageExt m : batch) {
            again.add(new MessageExt(m.msgId(), m.topic(), m.queueId(), m.queueOffset(), m.commitLogOffset(),
                    m.bornTimestampMs(), m.storeTimestampMs(), m.bornHost(), m.storeHost(),
                    m.reconsumeTimes() + failures, m.flag(), m.sysFlag(), m.properties(), m.body()));
        }
        return again;
    }
}
