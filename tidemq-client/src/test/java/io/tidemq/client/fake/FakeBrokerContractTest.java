package io.tidemq.client.fake;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
import io.tidemq.store.api.SyncFlushTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link FakeBroker} the client tests run against answers as the real broker does: the same scenarios are
 * sent to both, and each answer must have the same response code and the same header fields (messaging-audit
 * #8: the fake answered FLUSH_DISK_TIMEOUT with a header the real broker did not send, which hid a client
 * parse failure). When the broker's answers change, this test says which fake answer to change with them.
 */
class FakeBrokerContractTest {

    private static final long TIMEOUT_MS = 5_000;

    @TempDir
    Path dir;

    private BrokerController real;
    private FakeBroker fake;
    private NettyRemotingClient client;

    @BeforeEach
    void start() throws Exception {
        real = new BrokerController(BrokerConfig.builder()
                .brokerName("broker-real")
                .brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1")
                .listenPort(0)
                .storePath(dir)
                .maxMessageBytes(64 * 1024)
                .storeProperty("commitLogFileBytes", Integer.toString(1 << 20))
                .storeProperty("consumeQueueEntriesPerFile", "1000")
                .storeProperty("warmMappedFiles", "false")
                .storeProperty("preallocateNextFile", "false")
                .build());
        real.start();
        fake = new FakeBroker("broker-fake");
        client = new NettyRemotingClient(NettyClientConfig.defaults());
        client.start();
        RemotingCommand created = call(real.address(), RemotingCommand.createRequest(RequestCode.CREATE_TOPIC)
                .setBody(Json.toBytes(TopicConfig.of("t", 1))));
        assertThat(created.code()).isZero();
        fake.createTopic("t", 1);
    }

    @AfterEach
    void stop() {
        client.shutdown();
        fake.close();
        real.close();
    }

    private RemotingCommand call(String addr, RemotingCommand request) throws Exception {
        return client.invokeSync(addr, request, TIMEOUT_MS);
    }

    /** Sends {@code request} (built twice: requests carry their own id) to both and compares the answers. */
    private void sameAnswer(String scenario, java.util.function.Supplier<RemotingCommand> request) throws Exception {
        RemotingCommand fromReal = call(real.address(), request.get());
        RemotingCommand fromFake = call(fake.address(), request.get());
        assertSameShape(scenario, fromReal, fromFake);
    }

    private static void assertSameShape(String scenario, RemotingCommand fromReal, RemotingCommand fromFake) {
        assertThat(ResponseCode.describe(fromFake.code())).as(scenario + ": response code")
                .isEqualTo(ResponseCode.describe(fromReal.code()));
        assertThat(fieldNames(fromFake)).as(scenario + ": header fields").isEqualTo(fieldNames(fromReal));
    }

    private static Set<String> fieldNames(RemotingCommand r) {
        return new TreeSet<>(r.fields().keySet());
    }

    private static RemotingCommand send(String body) {
        return RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", "t", 0, 0, System.currentTimeMillis(), 0,
                        MessageProperties.encode(Map.of("UNIQ_KEY", "k-" + body)), 0, false))
                .setBody(body.getBytes(StandardCharsets.UTF_8));
    }

    private static RemotingCommand sendBatch(Boolean compactIds, String... bodies) {
        List<Message> batch = new ArrayList<>();
        for (String body : bodies) {
            batch.add(Message.builder("t").body(body).keys("k-" + body).build());
        }
        return RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", "t", 0, 0, System.currentTimeMillis(), 0, null, 0,
                        true, compactIds))
                .setBody(MessageCodec.encodeBatch(batch));
    }

    private static RemotingCommand pull(long offset) {
        return RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest("g", "t", 0, offset, 32, -1, 0, "*", null));
    }

    @Test
    void sendsPullsAndOffsetsAreAnsweredAlike() throws Exception {
        sameAnswer("send", () -> send("a"));
        sameAnswer("send", () -> send("b"));
        await().atMost(Duration.ofMillis(TIMEOUT_MS)).until(() -> real.messageStore().maxQueueOffset("t", 0) == 2);

        sameAnswer("pull that finds messages", () -> pull(0));
        sameAnswer("pull at the end, not held", () -> pull(2));
        sameAnswer("pull past the end", () -> pull(50));
        sameAnswer("max offset", () -> RemotingCommand.createRequest(RequestCode.GET_MAX_OFFSET)
                .writeHeader(new Headers.QueueRequest("t", 0)));
        sameAnswer("min offset", () -> RemotingCommand.createRequest(RequestCode.GET_MIN_OFFSET)
                .writeHeader(new Headers.QueueRequest("t", 0)));
        sameAnswer("offset of a group that never committed", () -> RemotingCommand.createRequest(
                RequestCode.QUERY_CONSUMER_OFFSET).writeHeader(new Headers.QueryConsumerOffsetRequest("g", "t", 0)));
        sameAnswer("commit", () -> RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("g", "t", 0, 1)));
        sameAnswer("commit past the end", () -> RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("g", "t", 0, 40)));
        sameAnswer("committed offset", () -> RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest("g", "t", 0)));
        assertThat(fake.committedOffset("g", new io.tidemq.common.message.MessageQueue("t", "broker-fake", 0)))
                .as("the fake clamps a commit past the end as the real broker does")
                .isEqualTo(real.consumerOffsetManager().query("g", "t", 0)).isEqualTo(2);
    }

    /** A batch's answer: every id listed, or in the compact form (first id and recordBytes) when asked for. */
    @Test
    void batchesAreAnsweredAlikeInTheFormTheProducerAskedFor() throws Exception {
        sameAnswer("batch of a producer that lists ids", () -> sendBatch(null, "a", "bb", "bb"));
        sameAnswer("batch asking for compact ids", () -> sendBatch(true, "c", "dd", "dd"));
        RemotingCommand compact = call(real.address(), sendBatch(true, "e", "f"));
        assertThat(compact.readHeader(Headers.SendMessageResponse.class).recordBytes()).isNotNull();
    }

    /**
     * A put appended but not confirmed durable in time: the real broker's answer (built by the code its send
     * processor uses, for a flush timeout of the store) against the fake's.
     */
    @Test
    void aFlushTimeoutIsAnsweredAlike() throws Exception {
        PutResult appended = new PutResult(PutStatus.PUT_OK, 4_096, 7, 1, 180, System.currentTimeMillis(),
                0x7f000001, 10911, null);
        RemotingCommand fromReal = Responses.fromPutFailure(new SyncFlushTimeoutException("not durable in time",
                appended), "SEND_MESSAGE to t", 0, null);

        fake.flushTimeoutNextSends(1);
        RemotingCommand fromFake = call(fake.address(), send("x"));

        assertSameShape("flush timeout", fromReal, fromFake);
        assertThat(fromReal.readHeader(Headers.SendMessageResponse.class).queueOffset()).isEqualTo(7);
    }
}
