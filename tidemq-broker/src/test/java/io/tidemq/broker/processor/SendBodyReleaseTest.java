package io.tidemq.broker.processor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.netty.LeakWatch;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SEND_MESSAGE and SEND_BATCH_MESSAGE read their body where it was received (a slice of the connection's receive
 * buffer, no array per request) and the slice is released in every outcome: stored, refused for any reason, the
 * store refusing the put, the connection gone before the answer. Run with Netty's leak detection at paranoid, as
 * the build does.
 */
class SendBodyReleaseTest {

    @TempDir
    Path dir;

    private final LeakWatch leaks = new LeakWatch();
    private BrokerFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
        leaks.close();
    }

    private static byte[] bytes(int size, int seed) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (seed + i);
        }
        return body;
    }

    private static RemotingCommand batchRequest(String topic, int queueId, byte[] body) {
        return RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", topic, queueId, 0, System.currentTimeMillis(), 0,
                        null, 0, true))
                .setBody(body);
    }

    private int code(RemotingCommand request) {
        return fx.invoke(request).code();
    }

    @ParameterizedTest(name = "sendOnIoThread={0}")
    @ValueSource(booleans = {true, false})
    void everyAnswerToASendReleasesItsBodyAndWhatIsStoredIsWhatWasSent(boolean onIoThread) {
        fx = new BrokerFixture(dir, b -> b.sendOnIoThread(onIoThread).autoCreateTopic(false));
        fx.createTopic("orders", 4);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] body = bytes(1000 + i, i);
            sent.add(body);
            assertThat(code(BrokerFixture.sendRequest("orders", 0, body, Map.of("k", "v" + i)))).isZero();
            List<Message> batch = List.of(Message.builder("orders").body(bytes(700 + i, i)).build(),
                    Message.builder("orders").body(bytes(10 + i, i + 1)).build());
            assertThat(fx.sendBatch("orders", 1, batch).code()).isZero();
        }
        byte[] good = MessageCodec.encodeBatch(List.of(Message.builder("orders").body("a").build()));
        for (int i = 0; i < 20; i++) {
            // a batch cut in the middle of its second entry
            byte[] truncated = Arrays.copyOf(good, good.length * 2 - 3);
            System.arraycopy(good, 0, truncated, good.length, good.length - 3);
            assertThat(code(batchRequest("orders", 2, truncated))).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
            assertThat(code(BrokerFixture.sendRequest("orders", 2, bytes(64 * 1024 + 1, i), Map.of())))
                    .isEqualTo(ResponseCode.MESSAGE_TOO_LARGE.code());
            assertThat(code(batchRequest("orders", 2, MessageCodec.encodeBatch(List.of(Message.builder("orders")
                    .body(bytes(64 * 1024 + 1, i)).build()))))).isEqualTo(ResponseCode.MESSAGE_TOO_LARGE.code());
            assertThat(code(BrokerFixture.sendRequest("missing", 0, bytes(100, i), Map.of())))
                    .isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
            assertThat(code(batchRequest("missing", 0, good))).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
            assertThat(code(BrokerFixture.sendRequest("orders", 9, bytes(100, i), Map.of())))
                    .isEqualTo(ResponseCode.INVALID_PARAMETER.code());
            assertThat(code(batchRequest("orders", 2, MessageCodec.encodeBatch(List.of(Message.builder("orders")
                    .body("tx").build(), Message.builder("orders").body("tx").systemProperty(
                            MessageConst.TRANSACTION_PREPARED, "true").build())))))
                    .isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
        }
        assertThat(fx.broker().messageStore().maxQueueOffset("orders", 2)).as("nothing refused was stored").isZero();

        fx.awaitQueueEnd("orders", 0, 50);
        List<MessageExt> stored = BrokerFixture.messages(fx.pull("g", "orders", 0, 0, 32, "*"));
        for (MessageExt m : stored) {
            assertThat(m.body()).isEqualTo(sent.get((int) m.queueOffset()));
            assertThat(m.properties()).containsEntry("k", "v" + m.queueOffset());
        }
        fx.awaitQueueEnd("orders", 1, 100);
        List<MessageExt> batched = BrokerFixture.messages(fx.pull("g", "orders", 1, 0, 32, "*"));
        assertThat(batched).hasSize(32);
        for (MessageExt m : batched) {
            int i = (int) m.queueOffset() / 2;
            assertThat(m.body()).isEqualTo(m.queueOffset() % 2 == 0 ? bytes(700 + i, i) : bytes(10 + i, i + 1));
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aSendTheStoreRefusesForAFullDiskReleasesItsBody() {
        fx = new BrokerFixture(dir, b -> b.storeProperty("diskReserveBytes", Long.toString(1L << 50)));
        fx.createTopic("orders", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> code(BrokerFixture.sendRequest("orders", 0, bytes(10, 0),
                Map.of())) == ResponseCode.DISK_FULL.code());
        for (int i = 0; i < 20; i++) {
            assertThat(code(BrokerFixture.sendRequest("orders", 0, bytes(2000, i), Map.of())))
                    .isEqualTo(ResponseCode.DISK_FULL.code());
            assertThat(fx.sendBatch("orders", 0, List.of(Message.builder("orders").body(bytes(900, i)).build()))
                    .code()).isEqualTo(ResponseCode.DISK_FULL.code());
        }
        leaks.assertNoLeaks();
    }

    @ParameterizedTest(name = "sendOnIoThread={0}")
    @ValueSource(booleans = {true, false})
    void sendsWhoseConnectionClosesBeforeTheAnswerAreStoredAndReleaseTheirBodies(boolean onIoThread) throws Exception {
        fx = new BrokerFixture(dir, b -> b.sendOnIoThread(onIoThread));
        fx.createTopic("orders", 1);
        InetSocketAddress broker = address(fx.address());
        int sends = 20;
        for (int round = 0; round < 5; round++) {
            ByteBuf frames = Unpooled.buffer();
            for (int i = 0; i < sends; i++) {
                RemotingCommand request = i % 2 == 0
                        ? BrokerFixture.sendRequest("orders", 0, bytes(3000, i), Map.of())
                        : batchRequest("orders", 0, MessageCodec.encodeBatch(List.of(
                                Message.builder("orders").body(bytes(1500, i)).build())));
                FrameCodec.encode(request, round * sends + i + 1, 0, frames, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            }
            int whole = frames.readableBytes();
            // and the start of one more frame, which the connection's close cuts
            FrameCodec.encode(BrokerFixture.sendRequest("orders", 0, bytes(3000, 7), Map.of()), 999, 0, frames,
                    FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            byte[] wire = new byte[whole + 100];
            frames.getBytes(0, wire);
            frames.release();
            long expected = (long) (round + 1) * sends;
            try (Socket socket = new Socket(broker.getAddress(), broker.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(wire);
                out.flush();
                // the broker reads the end of the stream after the frames and closes the connection, so the
                // answers meet a closed channel; this socket stays open until then, so no reset cuts the frames
                socket.shutdownOutput();
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        fx.broker().messageStore().maxQueueOffset("orders", 0) >= expected);
            }
        }
        assertThat(fx.broker().messageStore().maxQueueOffset("orders", 0)).isEqualTo(5L * sends);
        leaks.assertNoLeaks();
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
