package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transactional producer on the wire: its own connection, a heartbeat naming its producer group, half sends,
 * END_TRANSACTION, and a CHECK_TRANSACTION_STATE handler that records each check and answers with
 * {@link #answer} (no answer while it is {@code null}).
 */
final class ProducerStub implements AutoCloseable {

    /** A check-back as received: its header and the half message it carried. */
    record Check(Headers.CheckTransactionStateRequest header, MessageExt message) {
    }

    private final Supplier<String> brokerAddress;
    private final String group;
    private final String clientId;
    private final NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.defaults());
    private final ExecutorService checkThread = Executors.newSingleThreadExecutor();
    final LinkedBlockingQueue<Check> checks = new LinkedBlockingQueue<>();
    /** What to answer check-backs with; null = stay silent. Set by the test thread, read by the check thread. */
    volatile TransactionDecision answer;

    ProducerStub(Supplier<String> brokerAddress, String group, String clientId) {
        this.brokerAddress = brokerAddress;
        this.group = group;
        this.clientId = clientId;
        client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (channel, request) -> {
            Headers.CheckTransactionStateRequest h = request.readHeader(Headers.CheckTransactionStateRequest.class);
            List<MessageExt> body = MessageCodec.decodeDelivered(ByteBuffer.wrap(request.body()));
            checks.add(new Check(h, body.get(0)));
            TransactionDecision a = answer;
            if (a != null) {
                client.invokeAsync(brokerAddress.get(), endRequest(h.commitLogOffset(), a, true), 5_000);
            }
            return null;
        }, checkThread);
        client.start();
    }

    /** Sends HEART_BEAT so the broker knows this connection as a member of the group. */
    void heartbeat() {
        RemotingCommand r = invoke(RemotingCommand.createRequest(RequestCode.HEART_BEAT)
                .setBody(Json.toBytes(new HeartbeatData(clientId, Set.of(group), Set.of()))));
        assertThat(r.code()).as(r.toString()).isZero();
    }

    Headers.SendMessageResponse sendHalf(String topic, int queueId, String body, String uniqKey) {
        return sendHalf(topic, queueId, body, uniqKey, Map.of());
    }

    Headers.SendMessageResponse sendHalf(String topic, int queueId, String body, String uniqKey,
                                         Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>(extra);
        props.put(MessageConst.TAGS, "T");
        props.put(MessageConst.UNIQ_KEY, uniqKey);
        props.put("user", "u-" + uniqKey);
        props.put(MessageConst.TRANSACTION_PREPARED, "true");
        props.put(MessageConst.PRODUCER_GROUP, group);
        RemotingCommand r = invoke(RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest(group, topic, queueId, 0, System.currentTimeMillis(), 0,
                        MessageProperties.encode(props), 0, false))
                .setBody(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.code()).as(r.toString()).isZero();
        return r.readHeader(Headers.SendMessageResponse.class);
    }

    RemotingCommand end(long halfOffset, TransactionDecision decision) {
        return invoke(endRequest(halfOffset, decision, false));
    }

    CompletableFuture<RemotingCommand> endAsync(long halfOffset, TransactionDecision decision, boolean fromCheck) {
        return client.invokeAsync(brokerAddress.get(), endRequest(halfOffset, decision, fromCheck), 10_000);
    }

    RemotingCommand endRequest(long halfOffset, TransactionDecision decision, boolean fromCheck) {
        return RemotingCommand.createRequest(RequestCode.END_TRANSACTION)
                .writeHeader(new Headers.EndTransactionRequest(group, halfOffset, null, null, decision.name(),
                        fromCheck));
    }

    RemotingCommand invoke(RemotingCommand request) {
        try {
            return client.invokeSync(brokerAddress.get(), request, BrokerFixture.TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("request " + request + " failed", e);
        }
    }

    @Override
    public void close() {
        client.shutdown();
        checkThread.shutdownNow();
    }
}
