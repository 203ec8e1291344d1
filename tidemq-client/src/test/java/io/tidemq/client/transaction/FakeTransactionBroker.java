package io.tidemq.client.transaction;

import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NameServer and broker in one server, for client tests: routes every topic to one queue on itself, stores
 * sends in memory (the n-th at CommitLog offset n * 1000), records END_TRANSACTION requests and producer
 * connections from heartbeats, and sends check-backs on demand.
 */
final class FakeTransactionBroker implements AutoCloseable {

    static final String BROKER_NAME = "broker-tx";

    /** A send as the broker received it. */
    record Sent(Headers.SendMessageRequest header, Map<String, String> properties, byte[] body, String msgId) {
    }

    private final NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.builder()
            .bindAddress("127.0.0.1").selectorThreads(1).workerThreads(2).build());
    private final AtomicLong nextOffset = new AtomicLong();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Headers.EndTransactionRequest> ends = new LinkedBlockingQueue<>();
    /** When set, a send is stored but answered only once the latch opens (at the latest on close). */
    volatile CountDownLatch answerHold;
    /** Producer group to the connections that reported it; any thread. */
    final Map<String, List<RemotingChannel>> producers = new ConcurrentHashMap<>();

    FakeTransactionBroker() {
        server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().setBody(Json.toBytes(new TopicRouteData(
                        List.of(new QueueData(BROKER_NAME, 1, 1, Perm.READ_WRITE)),
                        List.of(new BrokerData("c", BROKER_NAME, Map.of(BrokerData.MASTER_ID, address()))))))));
        server.registerProcessor(RequestCode.HEART_BEAT, SyncRequestProcessor.of((ch, req) -> {
            HeartbeatData data = Json.fromBytes(req.body(), HeartbeatData.class);
            for (String group : data.producerGroups()) {
                List<RemotingChannel> channels = producers.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>());
                if (!channels.contains(ch)) {
                    channels.add(ch);
                }
            }
            return RemotingCommand.success();
        }));
        server.registerProcessor(RequestCode.UNREGISTER_CLIENT, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success()));
        server.registerProcessor(RequestCode.SEND_MESSAGE, SyncRequestProcessor.of((ch, req) -> {
            Headers.SendMessageRequest h = req.readHeader(Headers.SendMessageRequest.class);
            Map<String, String> props = MessageProperties.decode(h.properties());
            String msgId = msgId(nextOffset.getAndIncrement() * 1000);
            sent.add(new Sent(h, props, req.body(), msgId));
            CountDownLatch hold = answerHold;
            if (hold != null) {
                try {
                    hold.await(); // stored, but the answer is lost for the client: it times out
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return RemotingCommand.success().writeHeader(new Headers.SendMessageResponse(msgId, h.queueId(),
                    sent.size() - 1, props.get("UNIQ_KEY")));
        }));
        server.registerProcessor(RequestCode.END_TRANSACTION, SyncRequestProcessor.of((ch, req) -> {
            ends.add(req.readHeader(Headers.EndTransactionRequest.class));
            return RemotingCommand.success();
        }));
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.localPort();
    }

    String msgId(long offset) {
        return String.format(Locale.ROOT, "%08X%08X%016X", 0x7F000001, server.localPort(), offset);
    }

    /** Sends CHECK_TRANSACTION_STATE about {@code message} to the first connection of {@code group}. */
    void checkBack(String group, MessageExt message, long halfOffset) {
        RemotingChannel channel = producers.get(group).get(0);
        server.invokeOneway(channel, RemotingCommand.createRequest(RequestCode.CHECK_TRANSACTION_STATE)
                .writeHeader(new Headers.CheckTransactionStateRequest(group, halfOffset, message.msgId(),
                        message.uniqueId(), 1))
                .setBody(MessageCodec.encodeDelivered(List.of(message))));
    }

    @Override
    public void close() {
        CountDownLatch hold = answerHold;
        if (hold != null) {
            hold.countDown();
        }
        server.shutdown();
    }
}
