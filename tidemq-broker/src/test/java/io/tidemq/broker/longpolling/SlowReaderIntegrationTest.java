package io.tidemq.broker.longpolling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemq.broker.BrokerFixture;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A client that pipelines pulls of a full queue and never reads the responses: the broker stops building
 * responses for it once its outbound buffer is full, instead of piling them up in memory.
 */
class SlowReaderIntegrationTest {

    private static final int PULLS = 200;
    private static final int MESSAGE_BYTES = 60 * 1024;
    private static final int MESSAGES = 16; // about 1 MiB per pull response

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private Socket socket;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 1);
        String body = "x".repeat(MESSAGE_BYTES);
        for (int i = 0; i < MESSAGES; i++) {
            fx.sendOk("orders", 0, body, Map.of());
        }
        fx.awaitQueueEnd("orders", 0, MESSAGES);
    }

    @AfterEach
    void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        fx.close();
    }

    @Test
    void aClientThatNeverReadsGetsNoMoreResponseBodiesThanTheOutboundLimit() throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        String[] hostPort = fx.address().split(":");
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < PULLS; i++) {
            RemotingCommand pull = BrokerFixture.pullRequest("g", "orders", 0, 0, 32, 0, "*");
            ByteBuf buf = Unpooled.buffer();
            FrameCodec.encode(pull, i + 1, 0, buf, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            byte[] frame = new byte[buf.readableBytes()];
            buf.readBytes(frame);
            out.write(frame);
        }
        out.flush();

        long limitBytes = 48L << 20; // well below the ~200 MiB the pipelined pulls would produce
        await().atMost(Duration.ofSeconds(30)).until(() -> fx.broker().stats().pulledBytes.sum() >= 8L << 20);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> fx.broker().stats().pulledBytes.sum() < limitBytes);
    }
}
