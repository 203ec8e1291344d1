package io.tidemq.client.consumer.internal;

import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.remoting.PullAnswer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.offset.OffsetStore;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pull loops of one consumer. Each assigned queue has one long-polling pull in flight at a time: the
 * next pull is issued from the callback of the previous one, so no thread waits per queue. A queue whose
 * process queue holds more than {@code pullThresholdForQueue} messages or
 * {@code pullThresholdSizeForQueueMb} MiB is paused until consumption brings it back to both limits: the consume
 * thread whose removal does so schedules the next pull at once ({@link ProcessQueue#pauseWhileFull}), so flow
 * control costs no polling and no fixed delay, whatever the thresholds. Failed pulls are retried after
 * {@code pullRetryBackoffMs}. Pulls go to the queue's master, or to a slave while the master does not answer
 * ({@link ClientInstance#readAddress}): a pull the master did not answer is sent to the slave at once.
 *
 * <p>Threads: callbacks run on the transport's network threads and delayed pulls on the client
 * instance's delay thread; neither blocks here. Pulled messages are re-checked against the exact tag
 * (the broker filters by tag hash) and handed to the {@link Handler}.
 */
public final class PullService {

    private static final Logger LOG = LoggerFactory.getLogger(PullService.class);

    /** Receives each pull's messages after they were added to the request's process queue. */
    @FunctionalInterface
    public interface Handler {
        void onMessages(PullRequest request, List<MessageExt> msgs);
    }

    /**
     * Pulls of an ordered clustering consumer name {@code clientId} as the queue's lock holder; the broker refuses
     * them (QUEUE_NOT_LOCKED) when another member holds the lock, and {@code onRefused} is told.
     */
    public record LockFence(String clientId, Consumer<MessageQueue> onRefused) {
    }

    private final ClientInstance instance;
    private final String group;
    private final SubscriptionTable subscriptions;
    /** The consumer's offsets; corrected when the broker says a pull offset is past the queue's end. */
    private final OffsetStore offsets;
    /** Clustering: the in-memory offset rides along with each pull as {@code commitOffset}. */
    private final boolean piggybackCommits;
    private final Handler handler;
    /** Null unless pulls are fenced by queue locks. */
    private final LockFence lockFence;
    private final int pullBatchSize;
    private final long longPollingMs;
    private final long pullTimeoutMs;
    private final long retryBackoffMs;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private volatile boolean stopped;

    public PullService(ClientInstance instance, ClientConfig config, String group, SubscriptionTable subscriptions,
                       OffsetStore offsets, boolean piggybackCommits, Handler handler, LockFence lockFence) {
        this.lockFence = lockFence;
        this.instance = instance;
        this.group = group;
        this.subscriptions = subscriptions;
        this.offsets = offsets;
        this.piggybackCommits = piggybackCommits;
        this.handler = handler;
        this.pullBatchSize = config.pullBatchSize();
        this.longPollingMs = config.longPollingMs();
        this.pullTimeoutMs = config.longPollingMs() + config.requestTimeoutMs();
        this.retryBackoffMs = config.pullRetryBackoffMs();
        this.maxQueuedMessages = config.pullThresholdForQueue();
        this.maxQueuedBytes = config.pullThresholdSizeForQueueMb() * 1024L * 1024L;
    }

    /** Starts the pull loop of {@code request}; it runs until its process queue is dropped or {@link #stop}. */
    public void start(PullRequest request) {
        pull(request);
    }

    /** Issues no more pulls; pulls in flight are discarded when they answer. */
    public void stop() {
        stopped = true;
    }

    private void pull(PullRequest r) {
        ProcessQueue pq = r.processQueue();
        if (stopped || pq.isDropped()) {
            return;
        }
        if ((pq.messageCount() > maxQueuedMessages || pq.messageBytes() > maxQueuedBytes)
                && pq.pauseWhileFull(maxQueuedMessages, maxQueuedBytes, () -> later(r, 0))) {
            return; // the consume thread that brings the queue back under the limits pulls again
        }
        MessageQueue mq = r.queue();
        String addr = instance.readAddress(mq.brokerName());
        if (addr == null) {
            LOG.warn("group {}: no address known for broker {} of {}; refreshing the route", group, mq.brokerName(), mq);
            instance.refreshRouteAsync(mq.topic());
            later(r, retryBackoffMs);
            return;
        }
        long commitOffset = piggybackCommits ? offsets.readLocal(mq) : -1;
        Headers.PullMessageRequest header = new Headers.PullMessageRequest(group, mq.topic(), mq.queueId(),
                r.nextOffset(), pullBatchSize, commitOffset, longPollingMs,
                subscriptions.filter(mq.topic()).expression(), null, lockFence == null ? null : lockFence.clientId());
        try {
            instance.api().pull(addr, header, pullTimeoutMs).whenComplete((resp, err) -> onAnswer(r, addr, resp, err));
        } catch (RuntimeException e) {
            LOG.warn("group {}: pull of {} from {} could not be sent: {}", group, mq, addr, e.getMessage());
            later(r, instance.readFailed(mq.brokerName(), addr) ? 0 : retryBackoffMs);
        }
    }

    private void onAnswer(PullRequest r, String addr, PullAnswer resp, Throwable err) {
        if (stopped || r.processQueue().isDropped()) {
            return;
        }
        if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            LOG.warn("group {}: pull of {} from {} failed: {}", group, r.queue(), addr, cause.getMessage());
            // a master that does not answer: the next pull goes to its slave at once
            later(r, instance.readFailed(r.queue().brokerName(), addr) ? 0 : retryBackoffMs);
            return;
        }
        try {
            handleResponse(r, addr, resp);
        } catch (RuntimeException e) {
            LOG.warn("group {}: the answer to the pull of {} from {} is malformed: {}", group, r.queue(), addr,
                    e.getMessage());
            later(r, retryBackoffMs);
        }
    }

    private void handleResponse(PullRequest r, String addr, PullAnswer resp) {
        ResponseCode code = ResponseCode.fromCode(resp.code());
        if (code == null) {
            code = ResponseCode.SYSTEM_ERROR;
        }
        switch (code) {
            case SUCCESS -> {
                Headers.PullMessageResponse h = resp.header();
                List<MessageExt> msgs = filter(r.queue().topic(), resp.messages());
                r.nextOffset(h.nextBeginOffset());
                r.processQueue().putMessages(msgs, h.nextBeginOffset());
                if (!msgs.isEmpty()) {
                    handler.onMessages(r, msgs);
                }
                pull(r);
            }
            case PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY -> {
                long next = resp.nextBeginOffset(r.nextOffset());
                r.nextOffset(next);
                r.processQueue().putMessages(List.of(), next);
                if (longPollingMs > 0 || code == ResponseCode.PULL_RETRY_IMMEDIATELY) {
                    pull(r);
                } else {
                    later(r, retryBackoffMs);
                }
            }
            case PULL_OFFSET_MOVED, OFFSET_TOO_SMALL, OFFSET_OUT_OF_RANGE -> {
                long corrected = correctedOffset(code, resp, r.nextOffset());
                LOG.warn("group {}: offset {} of {} is invalid ({}: {}); continuing from {}", group, r.nextOffset(),
                        r.queue(), code, resp.remark(), corrected);
                r.nextOffset(corrected);
                r.processQueue().resetNextOffset(corrected);
                lowerOffsetTo(r);
                pull(r);
            }
            case QUEUE_NOT_LOCKED -> {
                LOG.info("group {}: broker {} refused the pull of {}: this member does not hold its lock ({}); pulling"
                        + " again once it does", group, addr, r.queue(), resp.remark());
                if (lockFence != null) {
                    lockFence.onRefused().accept(r.queue());
                }
                later(r, retryBackoffMs);
            }
            default -> {
                LOG.warn("group {}: broker {} refused the pull of {}: {} {}", group, addr, r.queue(),
                        ResponseCode.describe(resp.code()), resp.remark());
                later(r, retryBackoffMs);
            }
        }
    }

    /**
     * An offset past the queue's end (a seek too far, a queue truncated by a crash) must not stay in the
     * offset store: it would be committed, and the group would skip the messages stored there later. The
     * store is only lowered here, never raised: messages held in the process queue keep it where it is.
     */
    private void lowerOffsetTo(PullRequest r) {
        long committable = r.processQueue().committableOffset();
        if (offsets.readLocal(r.queue()) > committable) {
            offsets.update(r.queue(), committable, false);
        }
    }

    private static long correctedOffset(ResponseCode code, PullAnswer resp, long current) {
        if (code == ResponseCode.OFFSET_TOO_SMALL && resp.hasMinOffset()) {
            return resp.minOffset();
        }
        if (code == ResponseCode.OFFSET_OUT_OF_RANGE && resp.hasMaxOffset()) {
            return resp.maxOffset();
        }
        return resp.nextBeginOffset(current);
    }

    private List<MessageExt> filter(String topic, List<MessageExt> msgs) {
        TagExpression f = subscriptions.filter(topic);
        if (f.matchesAll()) {
            return msgs;
        }
        List<MessageExt> kept = new ArrayList<>(msgs.size());
        for (MessageExt m : msgs) {
            if (f.matchesTag(m.tag())) {
                kept.add(m);
            }
        }
        return kept;
    }

    private void later(PullRequest r, long delayMs) {
        try {
            instance.delayScheduler().schedule(NamedThreadFactory.logging("pull", () -> pull(r)), delayMs,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("group {}: pull of {} not rescheduled: client shutting down", group, r.queue());
        }
    }
}
