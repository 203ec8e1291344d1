package io.tidemq.common.protocol.header;

/**
 * The typed headers of every request and response that carries fields, encoded with {@link HeaderCodec}.
 * docs/protocol.md lists them per request code. A primitive component is a required field; a String or
 * boxed one is optional.
 */
public final class Headers {

    private Headers() {
    }

    // ---- producer -> broker

    /**
     * SEND_MESSAGE and SEND_BATCH_MESSAGE. Body: the message body, or for a batch the encoded batch.
     * {@code compactIds} (optional; {@code true} from producers that read it) asks for a batch's ids in the compact
     * form of {@link SendMessageResponse}; without it they come comma-separated, as older producers read them.
     */
    public record SendMessageRequest(String producerGroup, String topic, int queueId, int sysFlag,
                                     long bornTimestampMs, int flag, String properties, int reconsumeTimes,
                                     boolean batch, Boolean compactIds) {

        /** A request without {@code compactIds} (a batch's answer lists every id). */
        public SendMessageRequest(String producerGroup, String topic, int queueId, int sysFlag, long bornTimestampMs,
                                  int flag, String properties, int reconsumeTimes, boolean batch) {
            this(producerGroup, topic, queueId, sysFlag, bornTimestampMs, flag, properties, reconsumeTimes, batch, null);
        }
    }

    /**
     * Response to a send: where the message is stored, {@code queueOffset} the first one's for a batch. A batch's
     * {@code msgId} holds every id comma-separated, or, when the request asked for {@code compactIds}, only the first
     * id with {@code recordBytes} the stored size of each record ({@link io.tidemq.common.message.BatchMessageIds}).
     */
    public record SendMessageResponse(String msgId, int queueId, long queueOffset, String transactionId,
                                      String recordBytes) {

        /** A response without {@code recordBytes} (one message, or a batch whose ids are listed). */
        public SendMessageResponse(String msgId, int queueId, long queueOffset, String transactionId) {
            this(msgId, queueId, queueOffset, transactionId, null);
        }
    }

    /**
     * END_TRANSACTION: the outcome of a half message's local transaction. {@code decision} is COMMIT, ROLLBACK
     * or UNKNOWN; {@code commitLogOffset} and {@code msgId} identify the half message (the offset wins when
     * both are given); {@code transactionId} is the half's UNIQ_KEY; {@code fromCheck} marks an answer to
     * CHECK_TRANSACTION_STATE.
     */
    public record EndTransactionRequest(String producerGroup, long commitLogOffset, String msgId,
                                        String transactionId, String decision, boolean fromCheck) {
    }

    /**
     * CHECK_TRANSACTION_STATE (broker -> producer, one-way): asks for the outcome of an undecided half message.
     * Body: the half message as {@code MessageCodec.encodeDelivered}, with its real topic and queue restored.
     */
    public record CheckTransactionStateRequest(String producerGroup, long commitLogOffset, String msgId,
                                               String transactionId, int checkTimes) {
    }

    // ---- consumer -> broker

    /**
     * PULL_MESSAGE. {@code subscription} is the tag expression ({@code *} or {@code A || B});
     * {@code suspendTimeoutMs} > 0 enables long polling; {@code commitOffset} >= 0 commits that offset first.
     * {@code lockClientId}, sent by ordered consumers, fences the pull by the queue's lock: it is refused
     * (QUEUE_NOT_LOCKED, nothing read or committed) unless that client holds the queue's lock for the group.
     */
    public record PullMessageRequest(String consumerGroup, String topic, int queueId, long queueOffset,
                                     int maxMsgNums, long commitOffset, long suspendTimeoutMs,
                                     String subscription, String lane, String lockClientId) {

        /** An unfenced pull. */
        public PullMessageRequest(String consumerGroup, String topic, int queueId, long queueOffset,
                                  int maxMsgNums, long commitOffset, long suspendTimeoutMs,
                                  String subscription, String lane) {
            this(consumerGroup, topic, queueId, queueOffset, maxMsgNums, commitOffset, suspendTimeoutMs,
                    subscription, lane, null);
        }
    }

    /**
     * Response to a pull; the body holds the messages in the delivered encoding of
     * {@code MessageCodec.encodeDelivered} (docs/protocol.md, PULL_MESSAGE), not in the CommitLog format.
     */
    public record PullMessageResponse(long nextBeginOffset, long minOffset, long maxOffset) {
    }

    /**
     * CONSUMER_SEND_MSG_BACK: a delivered message failed to be consumed. {@code commitLogOffset} (or, when it is
     * negative, {@code msgId}) names the message as it was delivered; {@code originTopic} is the topic the
     * consumer saw (informational); {@code maxReconsumeTimes} is the group's limit; {@code directToDlq} skips
     * the retries (an ordered consumer that already retried in place).
     */
    public record ConsumerSendMsgBackRequest(String group, long commitLogOffset, String msgId, String originTopic,
                                             int maxReconsumeTimes, boolean directToDlq) {
    }

    /** Response to CONSUMER_SEND_MSG_BACK: where the copy went and when it is due ({@code 0}: at once). */
    public record ConsumerSendMsgBackResponse(String topic, int reconsumeTimes, long deliverAtMs) {
    }

    /** QUERY_CONSUMER_OFFSET. */
    public record QueryConsumerOffsetRequest(String consumerGroup, String topic, int queueId) {
    }

    /**
     * UPDATE_CONSUMER_OFFSET. An ordinary commit only moves the offset forward: a smaller value (a stale commit of
     * a member that no longer owns the queue) leaves it where it is. {@code rewind=true} sets it even when smaller
     * (an explicit seek back). {@code lockClientId}, sent by ordered consumers, fences the commit by the queue's
     * lock: it is refused (QUEUE_NOT_LOCKED) unless that client holds the queue's lock for the group.
     */
    public record UpdateConsumerOffsetRequest(String consumerGroup, String topic, int queueId, long commitOffset,
                                              String lockClientId, Boolean rewind) {

        /** An ordinary, unfenced commit. */
        public UpdateConsumerOffsetRequest(String consumerGroup, String topic, int queueId, long commitOffset) {
            this(consumerGroup, topic, queueId, commitOffset, null, null);
        }

        /** Whether the commit may move the offset backwards. */
        public boolean isRewind() {
            return Boolean.TRUE.equals(rewind);
        }
    }

    /** GET_MIN_OFFSET, GET_MAX_OFFSET. */
    public record QueueRequest(String topic, int queueId) {
    }

    /** SEARCH_OFFSET_BY_TIMESTAMP. */
    public record SearchOffsetRequest(String topic, int queueId, long timestampMs) {
    }

    /** Response carrying one offset (offset queries). */
    public record OffsetResponse(long offset) {
    }

    /** GET_CONSUMER_LIST_BY_GROUP, DESCRIBE_CONSUMER_GROUP. */
    public record GroupRequest(String consumerGroup) {
    }

    /** UNREGISTER_CLIENT: the client leaves the named groups (either may be absent). */
    public record UnregisterClientRequest(String clientId, String producerGroup, String consumerGroup) {
    }

    // ---- broker -> NameServer

    /** REGISTER_BROKER and UNREGISTER_BROKER. Body of register: JSON {@code BrokerRegistration}. */
    public record RegisterBrokerRequest(String clusterName, String brokerName, long brokerId, String brokerAddr) {
    }

    /**
     * Answer to REGISTER_BROKER: the NameServer evicts a broker that sent nothing for {@code brokerExpireMs}, so
     * a broker must register more often than that.
     */
    public record RegisterBrokerResponse(long brokerExpireMs) {
    }

    // ---- anyone -> NameServer / broker

    /** GET_ROUTEINFO_BY_TOPIC, and admin calls naming one topic. */
    public record TopicRequest(String topic) {
    }

    /** GET_ALL_TOPIC_LIST on a broker: retry and DLQ topics are listed only when {@code includeSystemTopics}. */
    public record TopicListRequest(Boolean includeSystemTopics) {
    }

    /** QUERY_MESSAGE_BY_ID. */
    public record MessageIdRequest(String msgId) {
    }

    /** QUERY_MESSAGE_BY_KEY. */
    public record MessageKeyRequest(String topic, String key, int maxNum, long beginTimestampMs, long endTimestampMs) {
    }

    /**
     * GET_DLQ_MESSAGES: up to {@code maxNum} messages of the group's dead-letter queue from {@code queueOffset}
     * ({@code -1}: the oldest kept). Answered with a {@link PullMessageResponse} header and delivered messages.
     */
    public record DlqMessagesRequest(String consumerGroup, long queueOffset, int maxNum) {
    }

    /** RESEND_DLQ_MESSAGES: one message by id, or ({@code msgId} absent) every one not resent before. */
    public record DlqResendRequest(String consumerGroup, String msgId) {
    }

    /**
     * Response to RESEND_DLQ_MESSAGES: how many messages were re-put into the group's retry topic, and (for "every
     * one") how many are still waiting because one request resends a bounded number; ask again until 0.
     */
    public record DlqResendResponse(int resent, long remaining) {
    }

    // ---- operations (admin -> broker)

    /** SET_BROKER_DRAINED: {@code true} drains the broker (routes stop sending to it), {@code false} undrains it. */
    public record BrokerDrainRequest(boolean drained) {
    }

    /** Response to SET_BROKER_DRAINED: the state now, and whether this request changed it. */
    public record BrokerDrainResponse(boolean drained, boolean changed) {
    }

    /**
     * QUERY_QUEUE_MESSAGES: up to {@code maxNum} messages of one queue from {@code queueOffset}, stopping before
     * the first message stored after {@code endTimestampMs} ({@code 0}: no time bound). Read-only: nothing is
     * committed and nothing counts as delivered.
     */
    public record QueueMessagesRequest(String topic, int queueId, long queueOffset, int maxNum, long endTimestampMs) {
    }

    /**
     * Response to QUERY_QUEUE_MESSAGES: where to continue ({@code nextOffset}), the queue's bounds, and whether
     * the range asked for was read to its end ({@code complete}: the queue's end or the time bound was reached)
     * rather than cut by {@code maxNum} or the response size.
     */
    public record QueueMessagesResponse(long nextOffset, long minOffset, long maxOffset, boolean complete) {
    }

    /** DELETE_CONSUMER_GROUP: forget the group's committed offsets; refused while a member is online unless forced. */
    public record DeleteGroupRequest(String consumerGroup, boolean force) {
    }

    /** UPDATE_SUBSCRIPTION_GROUP: {@code create} refuses a group that has a configuration, else one that has none. */
    public record GroupConfigRequest(boolean create) {
    }

    // ---- replication (slave -> master, HA port)

    /**
     * HA_FETCH: read from {@code fetchOffset}; {@code ackOffset} acknowledges every byte below it (absent from
     * older slaves, then {@code fetchOffset} is the acknowledgement); {@code maxBytes} 0 is an acknowledgement only;
     * {@code metadataVersion} is the one the slave applied (absent: 0). Not read through {@code HeaderCodec}:
     * {@code HaServer.readFetch} fills it from reads by name of the frame's field bytes and {@code HaClient.fetchRequest}
     * writes the fields with an {@code EncodedFields} builder, one fetch per replication round.
     */
    public record HaFetchRequest(int masterEpoch, int replicaId, long fetchOffset, Long ackOffset, int maxBytes,
                                 long maxWaitMs, Long metadataVersion) {
    }

    /**
     * Response to HA_FETCH: the master's state; {@code batchEpoch} and {@code batchEpochStart} (the lineage entry of
     * the bytes in the body) are present when the master knows the epoch of {@code baseOffset}. Written and read by hand
     * like {@link HaFetchRequest} ({@code HaServer.encodeAnswer}, {@code HaClient.readAnswer}).
     */
    public record HaFetchResponse(int masterEpoch, long baseOffset, long confirmOffset, long masterMaxOffset,
                                  Long metadataVersion, Integer batchEpoch, Long batchEpochStart) {
    }
}
