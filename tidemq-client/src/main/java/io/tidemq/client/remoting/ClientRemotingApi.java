package io.tidemq.client.remoting;

import java.util.concurrent.Executor;
import java.nio.ByteBuffer;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.protocol.body.UnlockBatchRequest;
import io.tidemq.common.protocol.body.LockBatchResponse;
import io.tidemq.common.protocol.body.LockBatchRequest;
import io.tidemq.client.ClientException;
import io.tidemq.client.RemotingFailedException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerIdList;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.RemotingClient;
import io.tidemq.remoting.exception.RemotingConnectException;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * The typed requests a client sends to NameServers and brokers, over one {@link RemotingClient}: the only
 * place of the SDK (with {@link AdminApi}) that builds requests and reads answers. Each method maps the
 * answer's response code to a result or a typed exception ({@link ResponseCodes}); transport failures become
 * {@link RemotingFailedException}. Stateless apart from the transport; thread-safe.
 */
public final class ClientRemotingApi {

    private final RemotingClient remoting;
    private final long timeoutMs;

    public ClientRemotingApi(RemotingClient remoting, long timeoutMs) {
        this.remoting = remoting;
        this.timeoutMs = timeoutMs;
    }

    /**
     * A request layer over a new transport, not started yet: register the server-to-client requests
     * ({@link #onConsumerIdsChanged}, {@link #onCheckTransactionState}), then {@link #start()}. It reads any
     * pull answer a broker can send (brokers cap maxPullBytes and maxMessageBytes to fit).
     *
     * @param timeoutMs  the limit of each request, connecting included (capped at 600 000 for connecting)
     * @param ioThreads  the transport's selector and worker threads; {@code 0} for the transport's defaults
     */
    public static ClientRemotingApi create(long timeoutMs, int ioThreads) {
        NettyClientConfig.Builder b = NettyClientConfig.builder()
                .maxFrameBytes(FrameLayout.CLIENT_MAX_FRAME_BYTES)
                .connectTimeoutMs((int) Math.min(timeoutMs, 600_000));
        if (ioThreads > 0) {
            b.selectorThreads(ioThreads).workerThreads(ioThreads);
        }
        return new ClientRemotingApi(new NettyRemotingClient(b.build()), timeoutMs);
    }

    /** The transport, for the other typed request classes of this package. */
    RemotingClient remoting() {
        return remoting;
    }

    /** Starts the transport; connections open on first use. */
    public void start() {
        remoting.start();
    }

    /** Closes every connection; requests in flight fail. */
    public void shutdown() {
        remoting.shutdown();
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /** GET_ROUTEINFO_BY_TOPIC. */
    public TopicRouteData getRoute(String namesrvAddr, String topic) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .writeHeader(new Headers.TopicRequest(topic));
        RemotingCommand resp = call("route lookup of topic " + topic, namesrvAddr, req);
        ResponseCodes.expectSuccess("route lookup of topic " + topic, namesrvAddr, topic, resp);
        return Json.fromBytes(resp.body(), TopicRouteData.class);
    }

    /** GET_BROKER_CLUSTER_INFO. */
    public ClusterInfo clusterInfo(String namesrvAddr) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO);
        RemotingCommand resp = call("cluster info", namesrvAddr, req);
        expectSuccess("cluster info", namesrvAddr, resp);
        return Json.fromBytes(resp.body(), ClusterInfo.class);
    }

    /** QUERY_CONSUMER_OFFSET; {@code -1} when the group never committed one for the queue. */
    public long queryConsumerOffset(String addr, String group, MessageQueue mq) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest(group, mq.topic(), mq.queueId()));
        String what = "offset query of group " + group + " for " + mq;
        RemotingCommand resp = call(what, addr, req);
        if (resp.code() == ResponseCode.QUERY_NOT_FOUND.code() || resp.code() == ResponseCode.OFFSET_NOT_FOUND.code()) {
            return -1;
        }
        expectSuccess(what, addr, resp);
        return resp.readHeader(Headers.OffsetResponse.class).offset();
    }

    /**
     * UPDATE_CONSUMER_OFFSET, waiting for the answer: an ordinary, unfenced commit (the broker only advances).
     *
     * @return the offset the broker kept: the queue's end when {@code offset} was past it
     */
    public long updateConsumerOffset(String addr, String group, MessageQueue mq, long offset) {
        return updateConsumerOffset(addr, group, mq, offset, null, false);
    }

    /**
     * UPDATE_CONSUMER_OFFSET, waiting for the answer. {@code lockClientId} non-null: refused with QUEUE_NOT_LOCKED
     * ({@link RequestFailedException}) unless that client holds the queue's lock; {@code rewind}: the offset may
     * move backwards.
     *
     * @return the offset the broker kept for this commit: the queue's end when {@code offset} was past it (the
     *         group's offset may be larger, when another member committed further)
     */
    public long updateConsumerOffset(String addr, String group, MessageQueue mq, long offset, String lockClientId,
                                     boolean rewind) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest(group, mq.topic(), mq.queueId(), offset,
                        lockClientId, rewind ? Boolean.TRUE : null));
        String what = "offset commit of group " + group + " for " + mq;
        RemotingCommand resp = call(what, addr, req);
        expectSuccess(what, addr, resp);
        return resp.fieldAsLong("offset", offset);
    }

    /** GET_MIN_OFFSET or GET_MAX_OFFSET. */
    public long queueOffset(String addr, MessageQueue mq, boolean max) {
        RemotingCommand req = RemotingCommand.createRequest(max ? RequestCode.GET_MAX_OFFSET : RequestCode.GET_MIN_OFFSET)
                .writeHeader(new Headers.QueueRequest(mq.topic(), mq.queueId()));
        String what = (max ? "max" : "min") + " offset query for " + mq;
        RemotingCommand resp = call(what, addr, req);
        expectSuccess(what, addr, resp);
        return resp.readHeader(Headers.OffsetResponse.class).offset();
    }

    /** GET_CONSUMER_LIST_BY_GROUP. */
    public List<String> consumerIds(String addr, String group) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP)
                .writeHeader(new Headers.GroupRequest(group));
        String what = "member list of group " + group;
        RemotingCommand resp = call(what, addr, req);
        expectSuccess(what, addr, resp);
        ConsumerIdList list = Json.fromBytes(resp.body(), ConsumerIdList.class);
        return list.clientIds() == null ? List.of() : list.clientIds();
    }

    /** HEART_BEAT, answered asynchronously; the caller weighs the code. */
    public CompletableFuture<Answer> heartbeat(String addr, HeartbeatData data) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.HEART_BEAT).setBody(Json.toBytes(data));
        return remoting.invokeAsync(addr, req, timeoutMs).thenApply(resp -> new Answer(resp.code(), resp.remark()));
    }

    // ---- send

    /**
     * SEND_MESSAGE, or SEND_BATCH_MESSAGE when {@code header.batch()}, waiting for the answer, which the
     * producer weighs ({@link SendAnswer}).
     *
     * @throws RemotingFailedException no answer; {@link RemotingFailedException#requestNotSent()} when the
     *                                 message cannot have been stored
     */
    public SendAnswer send(String addr, Headers.SendMessageRequest header, byte[] body) {
        return send(addr, PreparedSend.of(header), header.queueId(), SendBody.of(body));
    }

    /**
     * As {@link #send(String, Headers.SendMessageRequest, byte[])}, with the header prepared once per message and a
     * body written straight into the frame (a batch's entries: {@link SendBody#batch}).
     */
    public SendAnswer send(String addr, PreparedSend header, int queueId, SendBody body) {
        return new SendAnswer(call("send to topic '" + header.topic() + "'", addr, header.request(queueId, body)));
    }

    /**
     * As {@link #send} without blocking: the future completes on a network thread, exceptionally with
     * {@link RemotingFailedException} when no answer came.
     */
    public CompletableFuture<SendAnswer> sendAsync(String addr, Headers.SendMessageRequest header, byte[] body) {
        return sendAsync(addr, PreparedSend.of(header), header.queueId(), SendBody.of(body));
    }

    /** As {@link #sendAsync(String, Headers.SendMessageRequest, byte[])}, with the header prepared once per message. */
    public CompletableFuture<SendAnswer> sendAsync(String addr, PreparedSend header, int queueId, SendBody body) {
        String what = "send to topic '" + header.topic() + "'";
        return remoting.invokeAsync(addr, header.request(queueId, body), timeoutMs).handle((resp, err) -> {
            if (err != null) {
                throw new CompletionException(transportFailure(what, addr, unwrap(err)));
            }
            return new SendAnswer(resp);
        });
    }

    /** As {@link #send}, not answered: the future completes once the request is written, or with the failure. */
    public CompletableFuture<Void> sendOneway(String addr, Headers.SendMessageRequest header, byte[] body) {
        return sendOneway(addr, PreparedSend.of(header), header.queueId(), SendBody.of(body));
    }

    /** As {@link #sendOneway(String, Headers.SendMessageRequest, byte[])}, with the header prepared once per message. */
    public CompletableFuture<Void> sendOneway(String addr, PreparedSend header, int queueId, SendBody body) {
        String what = "one-way send to topic '" + header.topic() + "'";
        return remoting.invokeOneway(addr, header.request(queueId, body)).handle((v, err) -> {
            if (err != null) {
                throw new CompletionException(transportFailure(what, addr, unwrap(err)));
            }
            return null;
        });
    }


    // ---- consume

    /** UNREGISTER_CLIENT for the whole client ({@code group} null) or one producer or consumer group. */
    public void unregisterClient(String addr, String clientId, String producerGroup, String consumerGroup) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.UNREGISTER_CLIENT)
                .writeHeader(new Headers.UnregisterClientRequest(clientId, producerGroup, consumerGroup));
        String what = "unregistration of client " + clientId;
        expectSuccess(what, addr, call(what, addr, req));
    }

    /**
     * PULL_MESSAGE; {@code timeoutMs} must exceed the long-polling time. The future completes on a network
     * thread with the answer, its messages decoded there from the body where it arrived ({@link PullAnswer}), or
     * exceptionally with the transport's failure.
     */
    public CompletableFuture<PullAnswer> pull(String addr, Headers.PullMessageRequest header, long timeoutMs) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.PULL_MESSAGE).writeHeader(header);
        String topic = header.topic();
        return remoting.invokeAsync(addr, req, timeoutMs, (resp, body) -> PullAnswer.read(resp, body, topic));
    }

    /** CONSUMER_SEND_MSG_BACK, waiting for the answer. */
    public Headers.ConsumerSendMsgBackResponse sendBack(String what, String addr, Headers.ConsumerSendMsgBackRequest header) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK).writeHeader(header);
        RemotingCommand resp = ResponseCodes.expectSuccess(what, addr, null, call(what, addr, req));
        return resp.readHeader(Headers.ConsumerSendMsgBackResponse.class);
    }

    /** LOCK_BATCH_MQ, waiting for the answer. */
    public LockBatchResponse lockBatch(String what, String addr, LockBatchRequest body) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ).setBody(Json.toBytes(body));
        return lockResponse(what, addr, call(what, addr, req));
    }

    /** LOCK_BATCH_MQ, answered on a network thread; failures complete the future exceptionally. */
    public CompletableFuture<LockBatchResponse> lockBatchAsync(String what, String addr, LockBatchRequest body) {
        try {
            RemotingCommand req = RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ).setBody(Json.toBytes(body));
            return remoting.invokeAsync(addr, req, timeoutMs).thenApply(resp -> lockResponse(what, addr, resp));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** UNLOCK_BATCH_MQ, waiting for the answer. */
    public void unlockBatch(String what, String addr, UnlockBatchRequest body) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.UNLOCK_BATCH_MQ).setBody(Json.toBytes(body));
        ResponseCodes.expectSuccess(what, addr, null, call(what, addr, req));
    }

    /**
     * END_TRANSACTION, waiting for the answer, which the caller weighs (FLUSH_DISK_TIMEOUT: applied, not yet
     * durable).
     */
    public Answer endTransaction(String addr, Headers.EndTransactionRequest header) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.END_TRANSACTION).writeHeader(header);
        RemotingCommand resp = call("end of transaction " + header.transactionId(), addr, req);
        return new Answer(resp.code(), resp.remark());
    }

    private static LockBatchResponse lockResponse(String what, String addr, RemotingCommand resp) {
        ResponseCodes.expectSuccess(what, addr, null, resp);
        return Json.fromBytes(resp.body(), LockBatchResponse.class);
    }

    /** A broker's CHECK_TRANSACTION_STATE, decoded. */
    @FunctionalInterface
    public interface CheckListener {
        /** {@code messages} holds the half message the broker asks about (one, from a well-behaved broker). */
        void onCheck(String brokerAddress, Headers.CheckTransactionStateRequest header, List<MessageExt> messages);
    }

    /**
     * Hands every CHECK_TRANSACTION_STATE a broker sends this client (a one-way request: nothing is answered;
     * the producer answers with END_TRANSACTION) to {@code listener}, on {@code executor}.
     */
    public void onCheckTransactionState(CheckListener listener, Executor executor) {
        remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (channel, request) -> {
            listener.onCheck(channel.remoteAddress(), request.readHeader(Headers.CheckTransactionStateRequest.class),
                    MessageCodec.decodeDelivered(ByteBuffer.wrap(request.body())));
            return null;
        }, executor);
    }

    /**
     * Hands every NOTIFY_CONSUMER_IDS_CHANGED a broker sends this client (one-way: nothing is answered) to
     * {@code listener} as (broker address, group), on {@code executor}.
     */
    public void onConsumerIdsChanged(BiConsumer<String, String> listener, Executor executor) {
        remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (channel, request) -> {
            listener.accept(channel.remoteAddress(), request.readHeader(Headers.GroupRequest.class).consumerGroup());
            return null;
        }, executor);
    }

    /** A synchronous call; transport failures become {@link RemotingFailedException}. */
    public RemotingCommand call(String what, String addr, RemotingCommand request) {
        try {
            return remoting.invokeSync(addr, request, timeoutMs);
        } catch (RemotingException e) {
            throw transportFailure(what, addr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(what + " to " + addr + " was interrupted", e);
        }
    }

    private static RemotingFailedException transportFailure(String what, String addr, Throwable cause) {
        return new RemotingFailedException(what, addr, cause, cause instanceof RemotingConnectException);
    }

    private static Throwable unwrap(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }

    private static void expectSuccess(String what, String addr, RemotingCommand resp) {
        ResponseCodes.expectSuccess(what, addr, null, resp);
    }
}
