package io.tidemq.broker.processor;

import io.tidemq.broker.lock.QueueLockTable;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.MessageStore;

import java.util.function.Function;

/**
 * QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP.
 * All answer with {@link Headers.OffsetResponse}; for UPDATE_CONSUMER_OFFSET it is the offset kept, which is
 * the queue's end (with a remark) when the commit was past it.
 *
 * <p>Commits are fenced so that a member that no longer owns a queue cannot move its offset back: an ordinary
 * commit only advances the offset (a commit is a watermark, "everything below was consumed", so the larger of
 * two members' watermarks is the group's), only an explicit {@code rewind} (a seek) may lower it; and a commit
 * that names a {@code lockClientId} (ordered consumers) is refused unless that client holds the queue's lock.
 */
public final class ConsumerOffsetProcessor implements SyncRequestProcessor {

    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;
    private final String brokerName;
    private final QueueLockTable locks;
    /** A group's configuration ({@code admin group create}) or null: its consumeFromWhere answers a first query. */
    private final Function<String, SubscriptionGroupConfig> groupConfigs;

    public ConsumerOffsetProcessor(String brokerName, TopicConfigManager topics, ConsumerOffsetManager offsets,
                                   MessageStore store, QueueLockTable locks,
                                   Function<String, SubscriptionGroupConfig> groupConfigs) {
        this.groupConfigs = groupConfigs;
        this.brokerName = brokerName;
        this.locks = locks;
        this.topics = topics;
        this.offsets = offsets;
        this.store = store;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        try {
            RequestCode code = RequestCode.fromCode(request.code());
            if (code == null) {
                throw unsupported(request);
            }
            return switch (code) {
                case QUERY_CONSUMER_OFFSET -> query(request.readHeader(Headers.QueryConsumerOffsetRequest.class));
                case UPDATE_CONSUMER_OFFSET -> update(request.readHeader(Headers.UpdateConsumerOffsetRequest.class));
                case GET_MAX_OFFSET -> {
                    Headers.QueueRequest h = request.readHeader(Headers.QueueRequest.class);
                    checkQueue(h.topic(), h.queueId());
                    yield offset(store.maxQueueOffset(h.topic(), h.queueId()));
                }
                case GET_MIN_OFFSET -> {
                    Headers.QueueRequest h = request.readHeader(Headers.QueueRequest.class);
                    checkQueue(h.topic(), h.queueId());
                    yield offset(store.minQueueOffset(h.topic(), h.queueId()));
                }
                case SEARCH_OFFSET_BY_TIMESTAMP -> {
                    Headers.SearchOffsetRequest h = request.readHeader(Headers.SearchOffsetRequest.class);
                    checkQueue(h.topic(), h.queueId());
                    yield offset(store.queueOffsetByTime(h.topic(), h.queueId(), h.timestampMs()));
                }
                default -> throw unsupported(request);
            };
        } catch (RequestRejectedException r) {
            return r.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    private RemotingCommand query(Headers.QueryConsumerOffsetRequest h) {
        checkGroup(h.consumerGroup());
        checkQueue(h.topic(), h.queueId());
        long offset = offsets.query(h.consumerGroup(), h.topic(), h.queueId());
        SubscriptionGroupConfig config = groupConfigs.apply(h.consumerGroup());
        if (offset < 0 && config != null && config.consumeFromWhere() != null
                && !h.topic().startsWith(NameValidator.RETRY_PREFIX)) {
            // the group's configured start position wins over the client's consumeFromWhere
            return offset(SubscriptionGroupConfig.FIRST_OFFSET.equals(config.consumeFromWhere())
                    ? store.minQueueOffset(h.topic(), h.queueId()) : store.maxQueueOffset(h.topic(), h.queueId()));
        }
        if (offset < 0) {
            return Responses.error(ResponseCode.QUERY_NOT_FOUND, "group '" + h.consumerGroup()
                    + "' has not committed an offset for " + h.topic() + "#" + h.queueId() + " on broker " + brokerName
                    + "; start from the group's consumeFromWhere position");
        }
        return offset(offset);
    }

    private RemotingCommand update(Headers.UpdateConsumerOffsetRequest h) {
        checkGroup(h.consumerGroup());
        checkQueue(h.topic(), h.queueId());
        if (h.commitOffset() < 0) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "commitOffset must be >= 0, was "
                    + h.commitOffset());
        }
        if (h.lockClientId() != null) {
            checkLockHolder(locks, brokerName, h.consumerGroup(), h.topic(), h.queueId(), h.lockClientId(),
                    "commit");
        }
        long kept = h.isRewind()
                ? offsets.commit(h.consumerGroup(), h.topic(), h.queueId(), h.commitOffset())
                : offsets.commitIfAdvancing(h.consumerGroup(), h.topic(), h.queueId(), h.commitOffset());
        RemotingCommand response = offset(kept);
        if (kept != h.commitOffset()) {
            response.setRemark("offset " + h.commitOffset() + " of " + h.topic() + "#" + h.queueId()
                    + " is past the queue's end on broker " + brokerName + "; committed the end, " + kept);
        }
        return response;
    }

    /**
     * Refuses (QUEUE_NOT_LOCKED) a pull or commit of an ordered consumer that does not hold the queue's lock.
     * Shared with the pull processor.
     */
    static void checkLockHolder(QueueLockTable locks, String brokerName, String group, String topic, int queueId,
                                String clientId, String what) {
        String holder = locks.holder(group, new MessageQueue(topic, brokerName, queueId));
        if (!clientId.equals(holder)) {
            throw new RequestRejectedException(ResponseCode.QUEUE_NOT_LOCKED, "client " + clientId + " may not "
                    + what + " " + topic + "#" + queueId + " of group '" + group + "' on broker " + brokerName
                    + ": " + (holder == null ? "it holds no lock on the queue" : "its lock is held by " + holder)
                    + "; lock the queue (LOCK_BATCH_MQ) first");
        }
    }

    private void checkGroup(String group) {
        try {
            NameValidator.checkGroup(group);
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
    }

    private void checkQueue(String topicName, int queueId) {
        try {
            NameValidator.checkTopic(topicName);
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        TopicConfig topic = topics.get(topicName);
        if (topic == null) {
            throw new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "topic '" + topicName
                    + "' does not exist on broker " + brokerName);
        }
        int queues = Math.max(topic.readQueueNums(), topic.writeQueueNums());
        if (queueId < 0 || queueId >= queues) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "queueId " + queueId
                    + " is out of range for topic '" + topicName + "' (" + queues + " queues on broker " + brokerName
                    + ")");
        }
    }

    private static RemotingCommand offset(long offset) {
        return RemotingCommand.success().writeHeader(new Headers.OffsetResponse(offset));
    }

    private static RequestRejectedException unsupported(RemotingCommand request) {
        return new RequestRejectedException(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                RequestCode.describe(request.code()) + " is not served by the offset processor");
    }
}
