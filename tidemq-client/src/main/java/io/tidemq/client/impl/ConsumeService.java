package io.tidemq.client.impl;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.ConsumeContext;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.consumer.ProcessQueue;
import io.tidemq.client.offset.OffsetStore;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
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
 * message.
 *
 * <p>After {@link ConsumeStatus#SUCCESS} the batch leaves its process queue and the queue's offset moves to
 * the smallest offset still in flight. After {@link ConsumeStatus#RETRY} (or an exception) the batch stays
 * in the process queue, so no commit passes it, and is handed to the listener again after
 * {@code consumeRetryDelayMs} with {@code reconsumeTimes} increased; this repeats until it succeeds. (Until
 * retry topics exist, a message that always fails blocks the commit of its queue; flow control then
 * pauses that queue's pulls.)
 */
public final class ConsumeService {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeService.class);

    private final String group;
    private final MessageListenerConcurrently listener;
    private final OffsetStore offsets;
    private final ScheduledExecutorService delay;
    private final int threads;
    private final int batchSize;
    private final long retryDelayMs;
    private final ThreadPoolExecutor pool;
    /** Set by {@link #shutdown}; queued tasks then return without consuming. */
    private volatile boolean closing;

    public ConsumeService(String group, MessageListenerConcurrently listener, ClientConfig config, OffsetStore offsets,
                          ScheduledExecutorService delay) {
        this.group = group;
        this.listener = listener;
        this.offsets = offsets;
        this.delay = delay;
        this.threads = config.consumeThreads();
        this.batchSize = config.consumeBatchSize();
        this.retryDelayMs = config.consumeRetryDelayMs();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("tidemq-consume-" + group, false));
    }

    /** Hands freshly pulled messages of one queue to the pool. */
    public void submit(MessageQueue mq, ProcessQueue pq, List<MessageExt> msgs) {
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
            ConsumeStatus status;
            try {
                status = listener.consume(batch, ctx);
            } catch (Throwable e) {
                LOG.warn("group {}: listener threw on {} messages of {}; they will be redelivered", group,
                        batch.size(), mq, e);
                status = ConsumeStatus.RETRY;
            }
            if (status == ConsumeStatus.SUCCESS) {
                long committable = pq.removeMessages(batch);
                if (!pq.isDropped()) {
                    offsets.update(mq, committable, true);
                }
            } else {
                redeliverLater(batch);
            }
        }

        private void redeliverLater(List<MessageExt> batch) {
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
    }
}
