package io.tidemq.broker.admin;

import io.tidemq.broker.longpolling.PullRequestHoldService;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.topic.TopicAlreadyExistsException;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.json.Json;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.QueueStats;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicConfigList;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** CREATE_TOPIC, CREATE_TOPICS, UPDATE_TOPIC, DELETE_TOPIC, GET_ALL_TOPIC_LIST and GET_TOPIC_STATS. */
final class TopicAdmin {

    /** The most topics one CREATE_TOPICS may carry. */
    static final int MAX_TOPICS_PER_CREATE = 10_000;
    /**
     * How long CREATE_TOPICS waits, after the topics are on disk, for the store to create their ConsumeQueues: below
     * the clients' default request timeout (3 s), so a slow preparation delays the answer and never fails it.
     */
    static final long QUEUE_PREPARATION_WAIT_MS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final String brokerName;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;
    private final PullRequestHoldService holds;

    /** Run after every topic change: replication copies it to the in-sync slaves before the admin is answered. */
    private final Runnable replicateChange;

    TopicAdmin(String brokerName, TopicConfigManager topics, ConsumerOffsetManager offsets, MessageStore store,
               PullRequestHoldService holds, Runnable replicateChange) {
        this.brokerName = brokerName;
        this.replicateChange = replicateChange;
        this.topics = topics;
        this.offsets = offsets;
        this.store = store;
        this.holds = holds;
    }

    RemotingCommand create(RemotingCommand request) {
        TopicConfig config = topicConfigBody(request);
        try {
            topics.create(config);
        } catch (TopicAlreadyExistsException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        replicateChange.run();
        return RemotingCommand.success();
    }

    /**
     * CREATE_TOPICS: the topics not there yet as one change (one write of the topic table, one registration round,
     * one copy to the slaves). Answered once they are on disk and, waiting up to {@link #QUEUE_PREPARATION_WAIT_MS},
     * once their ConsumeQueues exist: a benchmark or an application that creates many topics and then sends to them
     * should not have its first sends share the broker with the creation of thousands of queue files.
     */
    RemotingCommand createAll(RemotingCommand request) {
        List<TopicConfig> configs = topicConfigListBody(request);
        List<TopicConfig> created;
        try {
            created = topics.createAll(configs);
        } catch (TopicAlreadyExistsException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        if (!created.isEmpty()) {
            replicateChange.run();
            awaitQueuesPrepared(created.size());
        }
        return RemotingCommand.success().putField("created", created.size());
    }

    private void awaitQueuesPrepared(int topicCount) {
        try {
            store.queuesPrepared().get(QUEUE_PREPARATION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("answering the creation of {} topics before all their ConsumeQueues exist ({} ms passed); the"
                    + " rest are created in the background or at their first records", topicCount,
                    QUEUE_PREPARATION_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("waiting for the ConsumeQueues of {} new topics failed", topicCount, e.getCause());
        }
    }

    RemotingCommand update(RemotingCommand request) {
        topics.createOrUpdate(topicConfigBody(request));
        replicateChange.run();
        return RemotingCommand.success();
    }

    RemotingCommand delete(RemotingCommand request) {
        String topic = topicHeader(request);
        if (!topics.delete(topic)) {
            throw notFound(topic);
        }
        offsets.removeTopic(topic);
        // its data too: a topic re-created under the name must not serve the old messages
        Set<Integer> queueIds = store.queueIds(topic);
        store.deleteTopicQueues(topic);
        // held pulls run again now, find the topic gone and answer TOPIC_NOT_EXIST
        for (int queueId : queueIds) {
            holds.onArrival(topic, queueId, Long.MAX_VALUE);
        }
        replicateChange.run();
        return RemotingCommand.success();
    }

    RemotingCommand list(RemotingCommand request) {
        Headers.TopicListRequest h = request.readHeader(Headers.TopicListRequest.class);
        boolean includeSystem = Boolean.TRUE.equals(h.includeSystemTopics());
        List<String> names = new ArrayList<>();
        for (String t : topics.all().keySet()) {
            if (includeSystem || !NameValidator.isSystemTopic(t)) {
                names.add(t);
            }
        }
        return RemotingCommand.success().setBody(Json.toBytes(new TopicList(names)));
    }

    RemotingCommand stats(RemotingCommand request) {
        String topic = topicHeader(request);
        TopicConfig config = topics.get(topic);
        if (config == null) {
            throw notFound(topic);
        }
        int queueCount = Math.max(config.readQueueNums(), config.writeQueueNums());
        List<QueueStats> queues = new ArrayList<>(queueCount);
        for (int q = 0; q < queueCount; q++) {
            long min = store.minQueueOffset(topic, q);
            long max = store.maxQueueOffset(topic, q);
            queues.add(new QueueStats(q, min, max, lastStoreTime(topic, q, min, max)));
        }
        return RemotingCommand.success().setBody(Json.toBytes(new TopicStats(topic, brokerName, queues, config.order())));
    }

    private long lastStoreTime(String topic, int queueId, long min, long max) {
        if (max <= min) {
            return 0;
        }
        GetResult last = store.getMessages(topic, queueId, max - 1, 1, Integer.MAX_VALUE, null);
        return last.messages().isEmpty() ? 0 : last.messages().get(0).storeTimestampMs();
    }

    private static TopicConfig topicConfigBody(RemotingCommand request) {
        try {
            TopicConfig config = Json.fromBytes(request.body(), TopicConfig.class);
            if (config == null) {
                throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER,
                        "the body must be a TopicConfig JSON object");
            }
            return config;
        } catch (UncheckedIOException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "the body is not a valid TopicConfig"
                    + " JSON: " + rootMessage(e));
        }
    }

    private static List<TopicConfig> topicConfigListBody(RemotingCommand request) {
        TopicConfigList list;
        try {
            list = Json.fromBytes(request.body(), TopicConfigList.class);
        } catch (UncheckedIOException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "the body is not a valid"
                    + " TopicConfigList JSON: " + rootMessage(e));
        }
        if (list == null || list.topics() == null || list.topics().isEmpty() || list.topics().contains(null)) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER,
                    "the body must be a TopicConfigList JSON object with a non-empty 'topics' array of TopicConfigs");
        }
        if (list.topics().size() > MAX_TOPICS_PER_CREATE) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "at most " + MAX_TOPICS_PER_CREATE
                    + " topics per CREATE_TOPICS, got " + list.topics().size() + "; split them over several calls");
        }
        return list.topics();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static String topicHeader(RemotingCommand request) {
        String topic = request.readHeader(Headers.TopicRequest.class).topic();
        if (topic == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'topic' is required");
        }
        NameValidator.checkTopic(topic);
        return topic;
    }

    private RequestRejectedException notFound(String topic) {
        return new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "topic '" + topic
                + "' does not exist on broker " + brokerName);
    }
}
