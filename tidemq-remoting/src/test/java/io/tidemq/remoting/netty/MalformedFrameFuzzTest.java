package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes over raw sockets against a live server: every malformed frame closes only its own
 * connection with a logged reason, the server keeps answering a well-behaved client on its existing
 * connection, and no buffer leaks.
 */
class MalformedFrameFuzzTest {

    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final int ECHO = 1;

    /** Closes seen by the well-behaved client; written by its event thread. */
    private final AtomicInteger clientCloses = new AtomicInteger();
    private final Loopback loop = new Loopback(NettyServerConfig.builder().maxFrameBytes(MAX_FRAME_BYTES),
            NettyClientConfig.builder(), null, new ChannelEventListener() {
                @Override
                public void onClose(String remoteAddress, RemotingChannel channel) {
                    clientCloses.incrementAndGet();
                }
            });
    private final LeakWatch leaks = new LeakWatch();
    private final LogCapture decoderLog = new LogCapture(FrameDecoder.class);
    private int echoes;

    @BeforeEach
    void start() throws Exception {
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("v", req.field("v")).setBody(req.body())));
        loop.start();
        assertHealthy();
    }

    @AfterEach
    void stop() {
        loop.close();
        decoderLog.close();
        leaks.close();
    }

    @Test
    void aTotalLengthAboveTheLimitClosesTheConnectionWithALoggedReason() throws Exception {
        for (int totalLength : new int[]{Integer.MAX_VALUE, MAX_FRAME_BYTES + 1}) {
            int localPort = sendExpectingClose(prefix(totalLength, 20));
            assertThat(decoderLog.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("WARN closing connection from 127.0.0.1:" + localPort)
                    .contains("totalLength " + totalLength));
            assertHealthy();
        }
    }

    @Test
    void negativeAndTooSmallLengthsCloseTheConnection() throws Exception {
        sendExpectingClose(prefix(-1, 20));
        sendExpectingClose(prefix(Integer.MIN_VALUE, 20));
        sendExpectingClose(prefix(0, 0));
        sendExpectingClose(prefix(23, 20));
        sendExpectingClose(prefix(100, -1));
        sendExpectingClose(prefix(100, 0));
        assertHealthy();
    }

    @Test
    void aHeaderLengthBeyondTheFrameClosesTheConnection() throws Exception {
        sendExpectingClose(prefix(100, 97));
        sendExpectingClose(prefix(100, Integer.MAX_VALUE));
        assertHealthy();
    }

    @Test
    void inconsistentHeaderFieldsCloseTheConnection() throws Exception {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(frame);
        out.writeInt(4 + 26);
        out.writeInt(26);
        out.writeInt(ECHO);
        out.writeShort(1);
        out.writeInt(5);
        out.writeInt(0);
        out.writeInt(-1);        // no remark
        out.writeShort(1);       // one field...
        out.writeShort(2);
        out.writeInt(1000);      // ...whose key claims the rest of the header and more
        sendExpectingClose(frame.toByteArray());

        byte[] overlongRemark = prefixedHeader(h -> {
            h.writeInt(5000);   // remark length
            h.writeShort(0);
        });
        sendExpectingClose(overlongRemark);

        byte[] tooManyFields = prefixedHeader(h -> {
            h.writeInt(-1);
            h.writeShort(65_535);
        });
        sendExpectingClose(tooManyFields);
        assertHealthy();
    }

    @Test
    void aValidFrameIsAnsweredAndGarbageAfterItClosesTheConnection() throws Exception {
        ByteBuf valid = Unpooled.buffer();
        FrameCodec.encode(RemotingCommand.createRequest(ECHO).putField("v", "raw"), 5, 0, valid, MAX_FRAME_BYTES);
        byte[] request = new byte[valid.readableBytes()];
        valid.readBytes(request);
        valid.release();

        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int totalLength = in.readInt();
            byte[] rest = new byte[totalLength];
            in.readFully(rest);
            ByteBuf buf = Unpooled.wrappedBuffer(rest);
            int headerLength = buf.readInt();
            RemotingCommand answer = FrameCodec.decode(buf, headerLength, totalLength - 4 - headerLength);
            assertThat(answer.opaque()).isEqualTo(5);
            assertThat(answer.isResponse()).isTrue();
            assertThat(answer.field("v")).isEqualTo("raw");

            socket.getOutputStream().write(prefix(-5, 20));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertHealthy();
    }

    @Test
    void truncatedFramesFollowedByACloseLeaveTheServerServing() throws Exception {
        ByteBuf valid = Unpooled.buffer();
        FrameCodec.encode(RemotingCommand.createRequest(ECHO).putField("v", "x").setBody(new byte[5000]), 1, 0,
                valid, MAX_FRAME_BYTES);
        byte[] frame = new byte[valid.readableBytes()];
        valid.readBytes(frame);
        valid.release();

        for (int cut : new int[]{1, 3, 4, 7, 8, 20, 100, frame.length - 1}) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(frame, 0, cut);
                socket.getOutputStream().flush();
            }
        }
        assertHealthy();
        leaks.assertNoLeaks();
    }

    @Test
    void randomBytesNeverHurtTheServerOrOtherConnections() throws Exception {
        Random random = new Random(20_261_125);
        for (int round = 0; round < 150; round++) {
            byte[] garbage = new byte[1 + random.nextInt(2048)];
            random.nextBytes(garbage);
            if (round % 3 == 0) {
                // a plausible prefix, so the garbage reaches the header decoder too
                int total = Math.min(garbage.length - 4, MAX_FRAME_BYTES);
                if (total >= 24) {
                    writeInt(garbage, 0, total);
                    writeInt(garbage, 4, 20 + random.nextInt(total - 23));
                }
            }
            try (Socket socket = connect()) {
                socket.getOutputStream().write(garbage);
                socket.getOutputStream().flush();
            } catch (SocketException closedByServer) {
                // the server may close before all bytes are written: that is the expected defence
            }
            if (round % 25 == 0) {
                assertHealthy();
            }
        }
        assertHealthy();
        leaks.assertNoLeaks();
    }

    /** The well-behaved client answers correctly and has never lost its connection. */
    private void assertHealthy() throws Exception {
        String v = "ok-" + (++echoes);
        RemotingCommand response = loop.client.invokeSync(loop.address(),
                RemotingCommand.createRequest(ECHO).putField("v", v).setBody(new byte[]{1, 2}), 5000);
        assertThat(response.field("v")).isEqualTo(v);
        assertThat(response.body()).containsExactly(1, 2);
        assertThat(clientCloses.get()).as("closes of the healthy client's connection").isZero();
    }

    /** Sends bytes and expects the server to close the connection; returns the socket's local port. */
    private int sendExpectingClose(byte[] bytes) throws IOException {
        try (Socket socket = connect()) {
            int localPort = socket.getLocalPort();
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                // the server must close without answering: read() sees EOF (or a reset), never data
                int read = socket.getInputStream().read();
                assertThat(read).as("server closed the connection without answering").isEqualTo(-1);
            } catch (SocketException reset) {
                assertThat(reset.getMessage()).containsIgnoringCase("reset");
            }
            return localPort;
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", loop.server.localPort());
        socket.setSoTimeout(10_000);
        socket.setSoLinger(true, 0);
        return socket;
    }

    private static byte[] prefix(int totalLength, int headerLength) {
        byte[] bytes = new byte[8];
        writeInt(bytes, 0, totalLength);
        writeInt(bytes, 4, headerLength);
        return bytes;
    }

    interface HeaderTail {
        void write(DataOutputStream out) throws IOException;
    }

    /** A frame whose fixed header is valid and whose remark/field section is written by {@code tail}. */
    private static byte[] prefixedHeader(HeaderTail tail) throws IOException {
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(headerBytes);
        header.writeInt(ECHO);
        header.writeShort(1);
        header.writeInt(9);
        header.writeInt(0);
        tail.write(header);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(frame);
        out.writeInt(4 + headerBytes.size());
        out.writeInt(headerBytes.size());
        headerBytes.writeTo(out);
        return frame.toByteArray();
    }

    private static void writeInt(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }
}
