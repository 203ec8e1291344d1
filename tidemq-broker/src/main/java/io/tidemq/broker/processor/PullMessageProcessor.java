package io.tidemq.broker.processor;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.lock.QueueLockTable;
import io.tidemq.broker.longpolling.PullRequestHoldService;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.stats.BrokerStats;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoredRecords;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.function.ToLongBiFunction;

/**
 * PULL_MESSAGE: reads a queue from an offset, filtered by tag hash, and long-polls when nothing is there. A
 * response carries the CRC-checked CommitLog records as they are stored (docs/protocol.md, "PULL_MESSAGE").
 *
 * <p>Threads ({@code livePullsOnIoThread}, the default): a pull arrives on its connection's I/O thread; one with
 * records to read is handed to the pull executor (they may be cold, and a read must not stall the I/O thread), one
 * at its queue's end is held from the I/O thread at once. A held pull woken by an arrival reads on its connection's
 * I/O thread (the records were just written), and one whose deadline passed on the pull executor. With the key off
 * every read runs on the pull executor.
 *
 * <p>A pull that finds nothing and asked to be suspended is handed to the {@link PullRequestHoldService}. If the new
 * messages do not match its tags, it is held again from past them until the same deadline, so a filtered
 * consumer on a busy topic does not turn into a busy loop of empty responses.
 *
 * <p>A pull naming a {@code lockClientId} (an ordered consumer) is refused with QUEUE_NOT_LOCKED, before anything
 * is committed or read, unless that client holds the queue's lock when the pull arrives.
 */
public final class PullMessageProcessor implements RequestProcessor {

    /** The configuration at start, for the keys read once. */
    private final BrokerConfig config;
    /** The configuration in force, for the keys an operator changes at run time (maxPullMessages, longPollingMaxMs). */
    private final Supplier<BrokerConfig> live;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;
    private final PullRequestHoldService holds;
    private final Executor pullExecutor;
    private final BrokerStats stats;
    private final QueueLockTable locks;
    /** A group's configuration ({@code admin group create}) or null: consumeEnable=false refuses its pulls. */
    private final Function<String, SubscriptionGroupConfig> groupConfigs;

    /**
     * Whether this broker is a slave now. A slave shows only its commit point, which may lag offsets consumers
     * reached on the master: a pull past a slave's queue end waits there (held like a pull at the end) instead of
     * being moved back (OFFSET_OUT_OF_RANGE would move the consumer back over messages it has consumed).
     */
    private final BooleanSupplier slave;
    /**
     * The queue offset the CommitLog assigns next: a pull past the visible end but not past this (records stored and
     * waiting for the commit point, e.g. on a SYNC master restarted with its slave's consumers ahead of its
     * persisted commit point) waits too.
     */
    private final ToLongBiFunction<String, Integer> nextAssigned;

    public PullMessageProcessor(Supplier<BrokerConfig> live, TopicConfigManager topics, ConsumerOffsetManager offsets,
                                MessageStore store, PullRequestHoldService holds, Executor pullExecutor,
                                BrokerStats stats, QueueLockTable locks,
                                Function<String, SubscriptionGroupConfig> groupConfigs) {
        this(live, topics, offsets, store, holds, pullExecutor, stats, locks, groupConfigs, () -> false,
                (topic, queueId) -> 0L);
    }

    public PullMessageProcessor(Supplier<BrokerConfig> live, TopicConfigManager topics, ConsumerOffsetManager offsets,
                                MessageStore store, PullRequestHoldService holds, Executor pullExecutor,
                                BrokerStats stats, QueueLockTable locks,
                                Function<String, SubscriptionGroupConfig> groupConfigs, BooleanSupplier slave,
                                ToLongBiFunction<String, Integer> nextAssigned) {
        this.slave = slave;
        this.nextAssigned = nextAssigned;
        this.groupConfigs = groupConfigs;
        this.live = live;
        this.config = live.get();
        this.locks = locks;
        this.stats = stats;
        this.topics = topics;
        this.offsets = offsets;
        this.store = store;
        this.holds = holds;
        this.pullExecutor = pullExecutor;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        try {
            Headers.PullMessageRequest h = request.readHeader(Headers.PullMessageRequest.class);
            Pull pull = validate(h, channel);
            if (h.lockClientId() != null) {
                ConsumerOffsetProcessor.checkLockHolder(locks, config.brokerName(), h.consumerGroup(), h.topic(),
                        h.queueId(), h.lockClientId(), "pull");
            }
            if (h.commitOffset() >= 0) {
                offsets.commitIfAdvancing(h.consumerGroup(), h.topic(), h.queueId(), h.commitOffset());
            }
            if (config.livePullsOnIoThread() && store.maxQueueOffset(h.topic(), h.queueId()) > h.queueOffset()) {
                // records to read, maybe cold ones of a consumer catching up: not on the I/O thread
                pullExecutor.execute(() -> pull.runOrFail(h.queueOffset(), false));
            } else {
                pull.run(h.queueOffset(), false);
            }
            return pull.response;
        } catch (RequestRejectedException r) {
            return CompletableFuture.completedFuture(r.toResponse());
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.completedFuture(RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, "broker "
                    + config.brokerName() + " is busy: too many pending PULL_MESSAGE requests; retry later"));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Responses.fromFailure(e, "PULL_MESSAGE"));
        }
    }

    private Pull validate(Headers.PullMessageRequest h, RemotingChannel channel) {
        try {
            NameValidator.checkTopic(h.topic());
            NameValidator.checkGroup(h.consumerGroup());
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        SubscriptionGroupConfig groupConfig = groupConfigs.apply(h.consumerGroup());
        if (groupConfig != null && !groupConfig.consumeEnable()) {
            throw new RequestRejectedException(ResponseCode.NO_PERMISSION, "consumer group '" + h.consumerGroup()
                    + "' has consumeEnable=false on broker " + config.brokerName() + "; turn it on with 'tidemq admin"
                    + " group update --group " + h.consumerGroup() + " --consume-enable true'");
        }
        TopicConfig topic = topics.get(h.topic());
        if (topic == null) {
            throw new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "topic '" + h.topic()
                    + "' does not exist on broker " + config.brokerName() + "; refresh the topic route");
        }
        if (!Perm.isReadable(topic.perm())) {
            throw new RequestRejectedException(ResponseCode.NO_PERMISSION, "topic '" + h.topic()
                    + "' is not readable on broker " + config.brokerName());
        }
        if (h.queueId() < 0 || h.queueId() >= topic.readQueueNums()) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "queueId " + h.queueId()
                    + " is out of range for topic '" + h.topic() + "', which has " + topic.readQueueNums()
                    + " read queues on broker " + config.brokerName());
        }
        if (h.queueOffset() < 0) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "queueOffset must be >= 0, was "
                    + h.queueOffset());
        }
        if (h.maxMsgNums() < 1) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "maxMsgNums must be >= 1, was "
                    + h.maxMsgNums());
        }
        LongPredicate filter;
        try {
            filter = TagFilter.parse(h.subscription()).storePredicate();
        } catch (InvalidTagExpressionException e) {
            throw new RequestRejectedException(ResponseCode.SUBSCRIPTION_INVALID, e.getMessage());
        }
        long suspendMs = Math.min(Math.max(0, h.suspendTimeoutMs()), live.get().longPollingMaxMs());
        long deadlineNanos = suspendMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(suspendMs) : 0;
        return new Pull(channel, h.consumerGroup(), h.topic(), h.queueId(),
                Math.min(h.maxMsgNums(), live.get().maxPullMessages()), filter, suspendMs > 0, deadlineNanos);
    }

    /** One pull request across its attempts (first read, and re-reads after each wake-up). */
    private final class Pull {
        /** The connection the pull came on: held pulls are counted per connection. */
        final RemotingChannel channel;
        /** The pulling group (for the delivery meters); may be null from an old client. */
        final String group;
        final String topic;
        final int queueId;
        final int maxMessages;
        final LongPredicate filter;
        final boolean suspend;
        final long deadlineNanos;
        final CompletableFuture<RemotingCommand> response = new CompletableFuture<>();

        Pull(RemotingChannel channel, String group, String topic, int queueId, int maxMessages, LongPredicate filter,
             boolean suspend, long deadlineNanos) {
            this.channel = channel;
            this.group = group;
            this.topic = topic;
            this.queueId = queueId;
            this.maxMessages = maxMessages;
            this.filter = filter;
            this.suspend = suspend;
            this.deadlineNanos = deadlineNanos;
        }

        /** {@link #run} on a thread of its own: a failure is the answer. */
        void runOrFail(long offset, boolean finalAttempt) {
            try {
                run(offset, finalAttempt);
            } catch (RuntimeException e) {
                response.complete(Responses.fromFailure(e, "PULL_MESSAGE"));
            }
        }

        /** Reads from {@code offset}; {@code finalAttempt} answers PULL_NOT_FOUND instead of holding again. */
        void run(long offset, boolean finalAttempt) {
            if (topics.get(topic) == null) {
                // deleted while this pull was held: its queues' data is gone, answer without messages
                response.complete(Responses.error(ResponseCode.TOPIC_NOT_EXIST, "topic '" + topic
                        + "' was deleted on broker " + config.brokerName() + "; refresh the topic route"));
                return;
            }
            if (!channel.isWritable()) {
                // the client does not read its responses: building more of them would only pile up in memory
                response.complete(RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, "broker "
                        + config.brokerName() + " has a full outbound buffer for this connection (the client is not"
                        + " reading its responses); pull again later"));
                return;
            }
            StoredRecords r = store.readRecords(topic, queueId, offset, maxMessages, config.maxPullBytes(), filter);
            if (!r.isEmpty()) {
                // the records as stored are the response body: nothing decoded, nothing encoded a second time
                byte[] body = r.length() == r.bytes().length ? r.bytes() : Arrays.copyOf(r.bytes(), r.length());
                stats.pulledMessages.add(r.count());
                stats.pulledBytes.add(body.length);
                if (group != null) {
                    stats.traffic().delivered(topic, group, r.storeTimestampsMs(), r.count(), body.length,
                            System.currentTimeMillis());
                }
                response.complete(RemotingCommand.success()
                        .writeHeader(new Headers.PullMessageResponse(r.nextBeginOffset(), r.minOffset(), r.maxOffset()))
                        .setBody(body));
                return;
            }
            switch (r.status()) {
                case OFFSET_TOO_SMALL -> response.complete(offsetMoved(ResponseCode.OFFSET_TOO_SMALL, offset, r,
                        r.minOffset(), "messages before offset " + r.minOffset() + " were deleted by retention;"
                                + " continue from nextBeginOffset"));
                case OFFSET_TOO_BIG -> {
                    if (slave.getAsBoolean() || offset <= nextAssigned.applyAsLong(topic, queueId)) {
                        nothingFound(offset, r, finalAttempt); // not visible yet: it comes with the commit point
                    } else {
                        response.complete(offsetMoved(ResponseCode.OFFSET_OUT_OF_RANGE, offset, r,
                                r.maxOffset(), "the queue ends at offset " + r.maxOffset()
                                        + "; continue from nextBeginOffset"));
                    }
                }
                default -> nothingFound(Math.max(offset, r.nextBeginOffset()), r, finalAttempt);
            }
        }

        private void nothingFound(long nextOffset, StoredRecords r, boolean finalAttempt) {
            if (suspend && !finalAttempt && System.nanoTime() - deadlineNanos < 0) {
                if (!holds.hold(topic, queueId, nextOffset, deadlineNanos, channel, expired -> wake(nextOffset, expired))) {
                    response.complete(RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, "broker "
                            + config.brokerName() + " holds as many long-polling pulls as it allows for this connection"
                            + " (longPollingMaxHeldPerConnection=" + config.longPollingMaxHeldPerConnection()
                            + ") or in all (longPollingMaxHeld=" + config.longPollingMaxHeld() + "); pull again later"));
                }
                return;
            }
            response.complete(notFound(nextOffset, r.minOffset(), r.maxOffset()));
        }

        /**
         * Runs on the store's dispatch thread or the hold sweeper: hands the read to another thread. A pull woken by
         * an arrival reads on its connection's I/O thread ({@code livePullsOnIoThread}): the records were just
         * written, and that thread writes the answer itself, so a delivery wakes one thread, not a pull thread and
         * then the I/O thread. An expired pull, or any with the key off, reads on the pull executor.
         */
        private void wake(long offset, boolean expired) {
            Runnable read = () -> runOrFail(offset, expired);
            try {
                if (!expired && config.livePullsOnIoThread()) {
                    channel.executeOnIoThread(read);
                } else {
                    pullExecutor.execute(read);
                }
            } catch (RejectedExecutionException e) {
                // Busy or shutting down: an empty answer makes the consumer pull again, which is always safe.
                response.complete(notFound(offset, store.minQueueOffset(topic, queueId),
                        store.maxQueueOffset(topic, queueId)));
            }
        }

        private RemotingCommand notFound(long nextOffset, long min, long max) {
            return RemotingCommand.createResponse(ResponseCode.PULL_NOT_FOUND, "no new message in " + topic + "#"
                            + queueId + " from offset " + nextOffset)
                    .writeHeader(new Headers.PullMessageResponse(nextOffset, min, max));
        }
    }

    private static RemotingCommand offsetMoved(ResponseCode code, long requested, StoredRecords r, long next,
                                               String why) {
        return RemotingCommand.createResponse(code, "offset " + requested + " is outside [" + r.minOffset() + ", "
                        + r.maxOffset() + "]: " + why)
                .writeHeader(new Headers.PullMessageResponse(next, r.minOffset(), r.maxOffset()));
    }
}
