package io.tidemq.broker;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.DeliveredRecords;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.RecordLayout;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real broker on an ephemeral port over a temporary store with small files, and a remoting client that
 * talks to it with wire requests. Close it after each test.
 */
public final class BrokerFixture implements AutoCloseable {

    public static final long TIMEOUT_MS = 10_000;

    private final Path storeDir;
    private final UnaryOperator<BrokerConfig.Builder> customizer;
    private BrokerController broker;
    private final NettyRemotingClient client;

    public BrokerFixture(Path storeDir) {
        this(storeDir, b -> b);
    }

    public BrokerFixture(Path storeDir, UnaryOperator<BrokerConfig.Builder> customizer) {
        this.storeDir = storeDir;
        this.customizer = customizer;
        this.client = new NettyRemotingClient(NettyClientConfig.defaults());
        client.start();
        startBroker();
    }

    /** Small files and no pre-touching so a broker starts in milliseconds and tests stay light on disk. */
    public static BrokerConfig.Builder testConfig(Path storeDir) {
        return BrokerConfig.builder()
                .brokerName("broker-t")
                .brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1")
                .listenPort(0)
                .storePath(storeDir)
                .maxMessageBytes(64 * 1024)
                .sendThreads(2)
                .pullThreads(2)
                .longPollingCheckIntervalMs(50)
                .storeProperty("commitLogFileBytes", Integer.toString(1 << 20))
                .storeProperty("consumeQueueEntriesPerFile", "1000")
                .storeProperty("warmMappedFiles", "false")
                .storeProperty("preallocateNextFile", "false")
                .storeProperty("indexHashSlots", "1024")
                .storeProperty("indexMaxEntriesPerFile", "4096")
                .storeProperty("flushIntervalMs", "50");
    }

    public void startBroker() {
        broker = new BrokerController(customizer.apply(testConfig(storeDir)).build());
        broker.start();
    }

    /** Stops the broker (persisting its state) and starts a new one over the same store. */
    public void restartBroker() {
        broker.close();
        client.closeConnection(broker.address());
        startBroker();
    }

    public BrokerController broker() {
        return broker;
    }

    public NettyRemotingClient client() {
        return client;
    }

    public String address() {
        return broker.address();
    }

    public RemotingCommand invoke(RemotingCommand request) {
        try {
            return client.invokeSync(address(), request, TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("request " + request + " failed", e);
        }
    }

    /** Waits until the store has dispatched {@code end} entries of the queue (sends return before dispatch). */
    public void awaitQueueEnd(String topic, int queueId, long end) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(TIMEOUT_MS))
                .until(() -> broker.messageStore().maxQueueOffset(topic, queueId) >= end);
    }

    public void createTopic(String topic, int queues) {
        RemotingCommand r = invoke(RemotingCommand.createRequest(RequestCode.CREATE_TOPIC)
                .setBody(Json.toBytes(TopicConfig.of(topic, queues))));
        assertThat(r.code()).as(r.toString()).isZero();
    }

    public static RemotingCommand sendRequest(String topic, int queueId, byte[] body, Map<String, String> props) {
        return RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", topic, queueId, 0, System.currentTimeMillis(), 0,
                        MessageProperties.encode(props), 0, false))
                .setBody(body);
    }

    public RemotingCommand send(String topic, int queueId, String body, Map<String, String> props) {
        return invoke(sendRequest(topic, queueId, body.getBytes(StandardCharsets.UTF_8), props));
    }

    public Headers.SendMessageResponse sendOk(String topic, int queueId, String body, Map<String, String> props) {
        RemotingCommand r = send(topic, queueId, body, props);
        assertThat(r.code()).as(r.toString()).isZero();
        return r.readHeader(Headers.SendMessageResponse.class);
    }

    public RemotingCommand sendBatch(String topic, int queueId, List<Message> messages) {
        return invoke(RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", topic, queueId, 0, System.currentTimeMillis(), 0,
                        null, 0, true))
                .setBody(MessageCodec.encodeBatch(messages)));
    }

    public static RemotingCommand pullRequest(String group, String topic, int queueId, long offset, int max,
                                              long suspendMs, String subscription) {
        return RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest(group, topic, queueId, offset, max, -1, suspendMs,
                        subscription, null));
    }

    /** Pulls with a long poll, so messages just sent but not yet dispatched are waited for. */
    public RemotingCommand pull(String group, String topic, int queueId, long offset, int max, String subscription) {
        return invoke(pullRequest(group, topic, queueId, offset, max, 5_000, subscription));
    }

    /**
     * The messages of a response body: a pull's stored records ({@link DeliveredRecords}), or an admin query's
     * delivered-message encoding ({@link MessageCodec#decodeDelivered}). They are told apart by bytes 4-7, the
     * record magic in a record and the high half of a queue offset (never that large) in the other.
     */
    public static List<MessageExt> messages(RemotingCommand response) {
        ByteBuffer body = ByteBuffer.wrap(response.body());
        if (body.remaining() >= 8 && body.getInt(RecordLayout.MAGIC_OFFSET) == RecordLayout.MESSAGE_MAGIC) {
            return DeliveredRecords.decode(response.body(), "");
        }
        return MessageCodec.decodeDelivered(body);
    }

    @Override
    public void close() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            client.shutdown();
        }
    }
}
