package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.InvalidMessageException;
import io.tidemq.client.MessageTooLargeException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Bodies;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.RawFrames;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.TestClients;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A live standalone server (topic auto-creation off) fed malformed frames, nonsensical requests, oversized
 * and misaddressed messages: each gets a clear error or a closed connection, and the server keeps serving.
 */
class BadInputIT {

    private static final String TOPIC = "it-bad-input";
    private static final int FOUR_MIB = 4 * 1024 * 1024;
    private static final long FUZZ_SEED = 20_261_125L;
    private static final int RANDOM_FRAMES_PER_SERVER = 40;

    @TempDir
    static Path tmp;

    private static Standalone server;
    private static NettyRemotingClient raw;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        server = Standalone.builder("standalone", ItLogs.forClass(BadInputIT.class), tmp.resolve("data"))
                .set("autoCreateTopic", "false").build().start();
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            admin.createTopic(TopicConfig.of(TOPIC, 2), AdminTarget.all());
            admin.awaitRoute(TOPIC, 10_000);
        }
        raw = new NettyRemotingClient(NettyClientConfig.builder().build());
        raw.start();
    }

    @AfterAll
    static void stopServer() {
        if (raw != null) {
            raw.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void malformedFramesCloseOnlyTheirConnectionAndBothServersKeepServing() throws Exception {
        for (String target : List.of(server.namesrvAddr(), server.brokerAddr())) {
            List<byte[]> rejected = List.of(
                    RawFrames.lengths(Integer.MAX_VALUE, 20),
                    RawFrames.lengths(-1, 20),
                    RawFrames.lengths(Integer.MIN_VALUE, 20),
                    RawFrames.lengths(3, 20),
                    RawFrames.lengths(64 * 1024 * 1024, 20),
                    RawFrames.lengths(24, 1_000),
                    RawFrames.lengths(24, -5),
                    RawFrames.lengths(24, 2),
                    RawFrames.withRemarkLength(1_000_000),
                    RawFrames.withRemarkLength(-7),
                    RawFrames.withFieldCount(5),
                    RawFrames.withOverlongField());
            for (byte[] frame : rejected) {
                try (Socket s = RawFrames.connect(target)) {
                    s.getOutputStream().write(frame);
                    s.getOutputStream().flush();
                    assertThat(RawFrames.closedByServer(s)).as(target + " closes the connection after " + hex(frame))
                            .isTrue();
                }
            }
            sendTruncatedAndRandomFrames(target, new Random(FUZZ_SEED));

            // a well-formed frame with a code nobody serves gets an answer, on a connection that stays usable
            try (Socket s = RawFrames.connect(target)) {
                for (int opaque = 1; opaque <= 2; opaque++) {
                    s.getOutputStream().write(RawFrames.request(31_337, opaque));
                    RawFrames.Response r = RawFrames.readResponse(s);
                    assertThat(r.isResponse()).isTrue();
                    assertThat(r.opaque()).isEqualTo(opaque);
                    assertThat(r.code()).isEqualTo(ResponseCode.REQUEST_CODE_NOT_SUPPORTED.code());
                }
            }
        }
        assertThat(server.node().isAlive()).isTrue();
        assertThat(server.node().lines()).as("the server logs why it closed connections")
                .anyMatch(l -> l.toLowerCase(Locale.ROOT).contains("malformed"));
        assertStillServing();
    }

    @Test
    void wellFramedNonsenseRequestsGetErrorAnswersNamingTheProblem() throws Exception {
        RemotingCommand noFields = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE).setBody(new byte[] {1});
        assertRefused(server.brokerAddr(), noFields, ResponseCode.INVALID_PARAMETER);

        RemotingCommand garbageBatch = RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("g", TOPIC, 0, 0, System.currentTimeMillis(), 0, "", 0, true))
                .setBody(randomBytes(new Random(FUZZ_SEED), 512));
        assertRefused(server.brokerAddr(), garbageBatch, ResponseCode.MESSAGE_ILLEGAL);

        RemotingCommand badQueue = RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest("g", TOPIC, 999, 0, 32, -1, 0, "*", null));
        assertThat(raw.invokeSync(server.brokerAddr(), badQueue, 5_000).isSuccess())
                .as("a pull of queue 999 of a 2-queue topic").isFalse();

        RemotingCommand garbageRegistration = RemotingCommand.createRequest(RequestCode.REGISTER_BROKER)
                .putField("brokerName", "x").setBody("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(raw.invokeSync(server.namesrvAddr(), garbageRegistration, 5_000).isSuccess())
                .as("a registration with a broken body").isFalse();

        RemotingCommand routeWithoutTopic = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC);
        assertRefused(server.namesrvAddr(), routeWithoutTopic, ResponseCode.INVALID_PARAMETER);
        assertStillServing();
    }

    @Test
    void aMessageOverFourMebibytesIsRefusedByTheProducerNamingTheLimit() {
        try (Producer producer = producer(FOUR_MIB)) {
            Message big = Message.builder(TOPIC).body(new byte[FOUR_MIB + 1]).build();
            assertThatThrownBy(() -> producer.send(big))
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining(Integer.toString(FOUR_MIB + 1))
                    .hasMessageContaining("maxMessageBytes=" + FOUR_MIB);
        }
    }

    @Test
    void withTheClientLimitRaisedTheBrokerRefusesAnOversizedMessageWithMessageTooLarge() {
        try (Producer producer = producer(8 * 1024 * 1024)) {
            Message big = Message.builder(TOPIC).body(new byte[5 * 1024 * 1024]).build();
            assertThatThrownBy(() -> producer.send(big))
                    .isInstanceOfSatisfying(SendFailedException.class, e -> {
                        assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_TOO_LARGE);
                        assertThat(e.remark()).contains(Integer.toString(FOUR_MIB));
                    })
                    .isNotInstanceOf(MessageTooLargeException.class);
        }
        assertStillServing();
    }

    @Test
    void anInvalidTopicNameIsRefusedByTheClientAndByTheBroker() throws Exception {
        assertThatThrownBy(() -> Message.builder("bad topic!"))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("bad topic!");
        try (Producer producer = producer(FOUR_MIB)) {
            assertThatThrownBy(() -> producer.send(Message.builder("%RETRY%x").body("b").build()))
                    .isInstanceOf(InvalidMessageException.class).hasMessageContaining("%RETRY%x");
        }
        RemotingCommand send = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("g", "bad topic!", 0, 0, System.currentTimeMillis(), 0, "",
                        0, false))
                .setBody(new byte[] {1});
        RemotingCommand response = raw.invokeSync(server.brokerAddr(), send, 5_000);
        assertThat(response.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
        assertThat(response.remark()).contains("bad topic!");
    }

    @Test
    void anUnknownTopicIsRefusedClearlyWhenAutoCreationIsOff() throws Exception {
        try (Producer producer = producer(FOUR_MIB)) {
            assertThatThrownBy(() -> producer.send(Message.builder("it-no-such-topic").body("b").build()))
                    .isInstanceOf(TopicNotFoundException.class).hasMessageContaining("it-no-such-topic");
        }
        RemotingCommand send = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("g", "it-no-such-topic", 0, 0, System.currentTimeMillis(),
                        0, "", 0, false))
                .setBody(new byte[] {1});
        RemotingCommand response = raw.invokeSync(server.brokerAddr(), send, 5_000);
        assertThat(response.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(response.remark()).contains("it-no-such-topic");
    }

    private static void sendTruncatedAndRandomFrames(String target, Random random) throws IOException {
        // cut short: lengths promise more than arrives before the client hangs up
        byte[] whole = RawFrames.request(10, 1);
        for (int cut = 1; cut < whole.length; cut += 3) {
            try (Socket s = RawFrames.connect(target)) {
                s.getOutputStream().write(whole, 0, cut);
            }
        }
        for (int i = 0; i < RANDOM_FRAMES_PER_SERVER; i++) {
            // pure noise (mostly stopped by the length checks), then frames with valid lengths around a random
            // header, which reach the header decoding: remark and field lengths, field counts, flags
            byte[] noise = randomBytes(random, 1 + random.nextInt(4_096));
            int headerBytes = RawFrames.MIN_HEADER_BYTES + random.nextInt(200);
            byte[] framedNoise = ByteBuffer.allocate(8 + headerBytes + 16).putInt(4 + headerBytes + 16)
                    .putInt(headerBytes).put(randomBytes(random, headerBytes + 16)).array();
            for (byte[] bytes : List.of(noise, framedNoise)) {
                try (Socket s = RawFrames.connect(target)) {
                    OutputStream out = s.getOutputStream();
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    // the server may reset the connection while we still write: that is a fine answer
                }
            }
        }
    }

    private static void assertRefused(String addr, RemotingCommand request, ResponseCode expected) throws Exception {
        RemotingCommand response = raw.invokeSync(addr, request, 5_000);
        assertThat(response.code()).as("answer to " + request + ": " + response.remark()).isEqualTo(expected.code());
        assertThat(response.remark()).as("the remark says what is wrong").isNotBlank();
    }

    /** A producer sends and a consumer receives: the servers still do their job. */
    private static void assertStillServing() {
        int instance = INSTANCES.incrementAndGet();
        Deliveries deliveries = new Deliveries(10_000);
        List<AutoCloseable> opened = new ArrayList<>();
        try (Producer producer = producer(FOUR_MIB)) {
            ClientConfig config = TestClients.config(server.namesrvAddr(), "check-consumer-" + instance,
                    tmp.resolve("offsets")).build();
            PushConsumer consumer = PushConsumer.builder("it-bad-input-check-" + instance, config).build();
            opened.add(consumer);
            consumer.subscribe(TOPIC, "*");
            consumer.registerListener(deliveries.listener("check", false));
            consumer.start();
            producer.send(Message.builder(TOPIC).body(Bodies.of(instance)).build());
            await("a message sent after the abuse is consumed").atMost(Duration.ofSeconds(30))
                    .until(() -> deliveries.received(instance));
        } finally {
            opened.forEach(c -> {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static Producer producer(int maxMessageBytes) {
        int instance = INSTANCES.incrementAndGet();
        Producer p = Producer.builder("it-bad-input-producer", TestClients.config(server.namesrvAddr(),
                "producer-" + instance, tmp.resolve("offsets")).maxMessageBytes(maxMessageBytes).build()).build();
        p.start();
        return p;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 16); i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb + (b.length > 16 ? "..." : "");
    }
}
