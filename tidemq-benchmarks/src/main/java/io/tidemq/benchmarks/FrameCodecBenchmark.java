package io.tidemq.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.MalformedFrameException;
import io.tidemq.remoting.protocol.RemotingCommand;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The frame codec's inner loop: encoding a typical SEND_MESSAGE request (9 header fields, a small body)
 * into a pooled direct buffer, and decoding it back, as the Netty handlers do per frame. Run with
 * {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main FrameCodec}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class FrameCodecBenchmark {

    @Param({"128", "4096"})
    public int bodyBytes;

    private RemotingCommand request;
    /** One encoded frame, positioned at its header; decode benchmarks re-read it. */
    private ByteBuf encoded;
    private int headerLength;
    private int bodyLength;

    @Setup(Level.Trial)
    public void setUp() {
        request = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .putField("producerGroup", "order-service-producers")
                .putField("topic", "orders")
                .putField("queueId", 3)
                .putField("sysFlag", 0)
                .putField("bornTimestampMs", 1_764_000_000_000L)
                .putField("flag", 0)
                .putField("properties", "KEYS\u0001order-1234\u0002TAGS\u0001created")
                .putField("reconsumeTimes", 0)
                .putField("batch", false)
                .setBody(new byte[bodyBytes]);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.maxEncodedBytes(request));
        FrameCodec.encode(request, 1, 0, encoded, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
        int totalLength = encoded.readInt();
        headerLength = encoded.readInt();
        bodyLength = totalLength - FrameLayout.HEADER_LENGTH_FIELD_BYTES - headerLength;
        encoded.markReaderIndex();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
    }

    /** Allocate a pooled buffer, encode, release: what FrameEncoder costs per frame (minus the socket write). */
    @Benchmark
    public int encode() {
        return encodeOnce(request, 0);
    }

    /**
     * A broker's answer to one send: the response command with its typed header, encoded into a pooled buffer
     * (what SendMessageProcessor and FrameEncoder cost per acknowledged message, minus the socket write).
     */
    @Benchmark
    public int encodeSendResponse() {
        RemotingCommand response = RemotingCommand.success().writeHeader(new Headers.SendMessageResponse(
                "7F00000100002A9F00000000012D4F80", 3, 1_234_567L, null));
        return encodeOnce(response, FrameLayout.FLAG_RESPONSE);
    }

    private static int encodeOnce(RemotingCommand command, int flags) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.maxEncodedBytes(command));
        try {
            FrameCodec.encode(command, 42, flags, out, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }

    /** Decode header and body of one frame already in memory: what FrameDecoder costs per frame. */
    @Benchmark
    public RemotingCommand decode() throws MalformedFrameException {
        encoded.resetReaderIndex();
        return FrameCodec.decode(encoded, headerLength, bodyLength);
    }

    /**
     * Decode one SEND_MESSAGE frame and read its typed header: what the broker does with every send before the
     * store sees it ({@link #decode} alone no longer turns the fields into strings).
     */
    @Benchmark
    public Headers.SendMessageRequest decodeAndReadHeader() throws MalformedFrameException {
        encoded.resetReaderIndex();
        return FrameCodec.decode(encoded, headerLength, bodyLength).readHeader(Headers.SendMessageRequest.class);
    }

    /** Encode then decode: the codec's share of one request on both ends. */
    @Benchmark
    public RemotingCommand roundTrip() throws MalformedFrameException {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.maxEncodedBytes(request));
        try {
            FrameCodec.encode(request, 42, 0, out, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            int totalLength = out.readInt();
            int header = out.readInt();
            return FrameCodec.decode(out, header, totalLength - FrameLayout.HEADER_LENGTH_FIELD_BYTES - header);
        } finally {
            out.release();
        }
    }
}
