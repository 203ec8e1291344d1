package io.tidemq.client.consumer.internal;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.consumer.ConsumeContext;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.offset.OffsetStore;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a push consumer's listener on {@code consumeThreads} threads ({@code tidemq-consume-<group>-n}).
 * A pull's messages are split into at most {@code consumeThreads} tasks, each calling the listener with
 * batches of up to {@code consumeBatchSize}, so the pool is fed in a few hand-offs rather than one per
 * message. Messages of the group's retry queue reach the listener with their original topic.
 *
 * <p>After {@link ConsumeStatus#SUCCESS} the batch leaves its process queue and the queue's offset moves to
 * the smallest offset still in flight. A batch fails on {@link ConsumeStatus#RETRY}, an exception, or a call
 * running longer than {@code consumeTimeoutMs} (see {@link ConsumeTimeouts}). Each failed message then:
 * <ul>
 *   <li>clustering: is sent back to the broker that delivered it ({@link MessageSendBack}), which retries it
 *       through {@code %RETRY%<group>} with a growing back-off, or dead-letters it after
 *       {@code maxReconsumeTimes}; once the broker has the copy the message leaves the process queue, so the
 *       offset moves on. When the send-back fails the message stays in the process queue (no commit passes it)
 *       and is handed to the listener again after {@code consumeRetryDelayMs} with its reconsume count one
 *       higher. Once that count reaches {@code maxReconsumeTimes} the message is sent to {@code %DLQ%<group>}
 *       instead; if the broker refuses that too for good (it no longer has the message: retention deleted it),
 *       the message is logged at ERROR and skipped. A broker that cannot be reached, or answers that it is
 *       busy, never makes a message skipped: it stays and is retried;</li>
 *   <li>broadcasting: is retried here, after {@code consumeRetryDelayMs}, up to {@code maxReconsumeTimes}
 *       times; then it is logged and skipped (a broadcast message has no shared retry or dead-letter queue).</li>
 * </ul>
 * A call that overran {@code consumeTimeoutMs} is failed on the {@code tidemq-consume-<group>-failed} threads, so
 * the timeout sweeper never waits for a send-back and keeps detecting other overruns.
 */
public final class ConsumeService {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeService.class);

    private final String group;
    private final MessageListenerConcurrently listener;
    private final OffsetStore offsets;
    private final ScheduledExecutorService delay;
    /** Null for broadcasting: failed messages are retried locally. */
    private final SendBack sendBack;
    private final int threads;
    private final int batchSize;
    private final long retryDelayMs;
    private final int maxReconsumeTimes;
    private final ThreadPoolExecutor pool;
    /** Fails the calls the sweeper found overrunning (send-backs are network calls); threads die when idle. */
    private final ThreadPoolExecutor timedOutFailures;
    private final ConsumeTimeouts timeouts;
    /** Set by {@link #shutdown}; queued tasks then return without consuming. */
    private volatile boolean closing;

    /**
     * @param sendBack where failed messages go for retry (clustering), or {@code null} to retry them locally
     *                 (broadcasting)
     */
    public ConsumeService(String group, MessageListenerConcurrently listener, ClientConfig config, OffsetStore offsets,
                          ScheduledExecutorService delay, SendBack sendBack) {
        this.group = group;
        this.listener = listener;
        this.offsets = offsets;
        this.delay = delay;
        this.sendBack = sendBack;
        this.threads = config.consumeThreads();
        this.batchSize = config.consumeBatchSize();
        this.retryDelayMs = config.consumeRetryDelayMs();
        this.maxReconsumeTimes = config.maxReconsumeTimes();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                NamedThreadFactory.pool("tidemq-consume-" + group, false));
        this.timedOutFailures = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), NamedThreadFactory.pool("tidemq-consume-" + group + "-failed", true));
        timedOutFailures.allowCoreThreadTimeOut(true);
        this.timeouts = new ConsumeTimeouts(group, config.consumeTimeoutMs(), this::timedOut);
    }

    /** Hands freshly pulled messages of one queue to the pool. */
    public void submit(MessageQueue mq, ProcessQueue pq, List<MessageExt> pulled) {
        List<MessageExt> msgs = RetryCopies.withOriginTopics(mq, pulled);
        int n = msgs.size();
        int perTask = Math.max(batchSize, (n + threads - 1) / threads);
        for (int from = 0; from < n; from += perTask) {
            List<MessageExt> chunk = msgs.subList(from, Math.min(n, from + perTask));
            execute(new ConsumeTask(mq, pq, chunk));
        }
    }

    private void execute(ConsumeTask task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("group {}: consume task for {} dropped: consumer closing", group, task.mq);
        }
    }

    /**
     * Stops taking work: queued tasks are skipped (their messages were not committed and are delivered
     * again), tasks already in the listener get up to {@code awaitMs} to finish.
     */
    public void shutdown(long awaitMs) {
        closing = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(awaitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("group {}: listener calls still running after {} ms; interrupting them", group, awaitMs);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
        timeouts.close();
        timedOutFailures.shutdownNow();
    }

    /** Runs on the timeout sweeper: hands the failure (its send-backs) to another thread and returns at once. */
    private void timedOut(ConsumeTimeouts.Call call) {
        try {
            timedOutFailures.execute(() -> failed(call.mq, call.pq, call.msgs));
        } catch (RejectedExecutionException e) {
            LOG.debug("group {}: failure of a timed-out call on {} dropped: consumer closing", group, call.mq);
        }
    }

    /** Runs on a consume thread, or on a {@code -failed} thread for a call that overran. */
    private void failed(MessageQueue mq, ProcessQueue pq, List<MessageExt> batch) {
        if (pq.isDropped()) {
            return; // the queue moved to another member, which consumes these messages again from the commit
        }
        List<MessageExt> handled = new ArrayList<>(batch.size());
        List<MessageExt> again = new ArrayList<>(batch.size());
        for (MessageExt m : batch) {
            boolean done = sendBack != null ? sentBack(mq, m) : gaveUpLocally(mq, m);
            (done ? handled : again).add(m);
        }
        if (!handled.isEmpty()) {
            long committable = pq.removeMessages(handled);
            if (!pq.isDropped()) {
                offsets.update(mq, committable, true);
            }
        }
        if (!again.isEmpty()) {
            redeliverLater(mq, pq, again);
        }
    }

    /**
     * Returns whether the message is done with here: the broker took it, or it can never be handed over (then
     * it is skipped). {@code m.reconsumeTimes()} counts the local retries too, so this ends.
     */
    private boolean sentBack(MessageQueue mq, MessageExt m) {
        try {
            sendBack.sendBack(mq, m, false);
            return true;
        } catch (ClientException e) {
            if (m.reconsumeTimes() < maxReconsumeTimes) {
                LOG.warn("group {}: could not send message {} of {} back for retry ({}); retrying it here after {} ms"
                        + " (attempt {} of maxReconsumeTimes={})", group, m.msgId(), mq, e.getMessage(),
                        retryDelayMs, m.reconsumeTimes() + 1, maxReconsumeTimes);
                return false;
            }
        }
        try {
            sendBack.sendBack(mq, m, true);
            LOG.warn("group {}: message {} of {} failed {} time(s) and could not be sent back for retry; moved it to"
                    + " the group's DLQ", group, m.msgId(), mq, m.reconsumeTimes() + 1);
            return true;
        } catch (RequestFailedException e) {
            if (refusedForGood(e)) {
                LOG.error("group {}: message {} of {} (offset {}) failed {} time(s) and the broker refuses both its"
                        + " retry and its dead-lettering ({}); skipping it", group, m.msgId(), mq, m.queueOffset(),
                        m.reconsumeTimes() + 1, e.getMessage());
                return true;
            }
            LOG.warn("group {}: could not move message {} of {} to the DLQ ({}); retrying it here after {} ms", group,
                    m.msgId(), mq, e.getMessage(), retryDelayMs);
            return false;
        } catch (ClientException e) {
            LOG.warn("group {}: could not move message {} of {} to the DLQ ({}); retrying it here after {} ms", group,
                    m.msgId(), mq, e.getMessage(), retryDelayMs);
            return false;
        }
    }

    /** Whether the broker answered a code that the same request can never turn into success. */
    private static boolean refusedForGood(RequestFailedException e) {
        ResponseCode code = e.responseCode();
        return code != null && switch (code) {
            case SYSTEM_ERROR, SYSTEM_BUSY, SERVICE_NOT_AVAILABLE, FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE,
                    FLUSH_SLAVE_TIMEOUT, DISK_FULL -> false;
            default -> true;
        };
    }

    private boolean gaveUpLocally(MessageQueue mq, MessageExt m) {
        if (m.reconsumeTimes() < maxReconsumeTimes) {
            return false;
        }
        LOG.warn("group {} (broadcasting): message {} of {} failed {} time(s), maxReconsumeTimes={}; skipping it",
                group, m.msgId(), mq, m.reconsumeTimes() + 1, maxReconsumeTimes);
        return true;
    }

    private void redeliverLater(MessageQueue mq, ProcessQueue pq, List<MessageExt> batch) {
        List<MessageExt> again = new ArrayList<>(batch.size());
        for (MessageExt m : batch) {
            again.add(new MessageExt(m.msgId(), m.topic(), m.queueId(), m.queueOffset(), m.commitLogOffset(),
                    m.bornTimestampMs(), m.storeTimestampMs(), m.bornHost(), m.storeHost(),
                    m.reconsumeTimes() + 1, m.flag(), m.sysFlag(), m.properties(), m.body()));
        }
        ConsumeTask retry = new ConsumeTask(mq, pq, again);
        if (retryDelayMs == 0) {
            execute(retry);
            return;
        }
        try {
            delay.schedule(() -> execute(retry), retryDelayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("group {}: redelivery of {} messages of {} dropped: client shutting down", group,
                    batch.size(), mq);
        }
    }

    private final class ConsumeTask implements Runnable {
        final MessageQueue mq;
        final ProcessQueue pq;
        final List<MessageExt> msgs;

        ConsumeTask(MessageQueue mq, ProcessQueue pq, List<MessageExt> msgs) {
            this.mq = mq;
            this.pq = pq;
            this.msgs = msgs;
        }

        @Override
        public void run() {
            ConsumeContext ctx = new ConsumeContext(group, mq);
            for (int from = 0; from < msgs.size(); from += batchSize) {
                if (closing || pq.isDropped()) {
                    return;
                }
                consume(ctx, msgs.subList(from, Math.min(msgs.size(), from + batchSize)));
            }
        }

        private void consume(ConsumeContext ctx, List<MessageExt> batch) {
            ConsumeTimeouts.Call call = timeouts.begin(mq, pq, batch);
            ConsumeStatus status;
            try {
                status = listener.consume(batch, ctx);
            } catch (Throwable e) {
                LOG.warn("group {}: listener threw on {} messages of {}; they will be retried", group,
                        batch.size(), mq, e);
                status = ConsumeStatus.RETRY;
            }
            if (!timeouts.end(call)) {
                LOG.info("group {}: listener returned {} after consumeTimeoutMs for {} message(s) of {}; their retry"
                        + " is already under way, so the result is ignored", group, status, batch.size(), mq);
                return;
            }
            if (status == ConsumeStatus.SUCCESS) {
                long committable = pq.removeMessages(batch);
                if (!pq.isDropped()) {
                    offsets.update(mq, committable, true);
                }
            } else {
                failed(mq, pq, batch);
            }
        }
    }
}
