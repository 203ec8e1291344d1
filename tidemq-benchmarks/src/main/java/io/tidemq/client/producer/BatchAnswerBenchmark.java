package io.tidemq.client.producer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.MalformedFrameException;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A batch's answer, both ends (issue 10), per request of {@link #batchMessages} messages (divide by them for a
 * message's share); "listed" is the answer with every id comma-separated (what every producer got before the compact
 * form, and what an older producer still gets), "compact" the first id and the records' sizes:
 * <ul>
 *   <li>{@code broker*}: the answer's header built from the store's {@code PutResult} ({@code Responses.stored}, as
 *       {@code SendMessageProcessor} calls it) and the frame encoded into a pooled buffer;</li>
 *   <li>{@code client*}: the frame decoded, its header read, the batch's {@code SendResult} made as
 *       {@code MessageSender} makes it, and each message's future completed by {@code SendAccumulator.complete}
 *       (fresh futures per request, without callbacks; the listed form is split into {@code String[]} there, as
 *       before).</li>
 * </ul>
 * In this package to call the accumulator's completion itself. Run with {@code java -cp
 * "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main BatchAnswer -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BatchAnswerBenchmark {

    /** A 1 KiB body with the SDK's properties makes a record of about this size. */
    private static final int RECORD_BYTES = 1_187;

    @Param({"32"})
    public int batchMessages;

    private PutResult stored;
    private ByteBuf listedFrame;
    private ByteBuf compactFrame;
    private final MessageQueue queue = new MessageQueue("orders", "broker-a", 3);
    private String[] uniqueIds;

    @Setup(Level.Trial)
    public void setUp() {
        long[] offsets = new long[batchMessages];
        for (int i = 0; i < batchMessages; i++) {
            offsets[i] = 1_073_741_824L + (long) i * RECORD_BYTES;
        }
        stored = new PutResult(PutStatus.PUT_OK, offsets[0], 123_456, batchMessages, batchMessages * RECORD_BYTES,
                1_764_000_000_000L, 0x7F00_0001, 10911, offsets);
        listedFrame = frame(answer(false));
        compactFrame = frame(answer(true));
        uniqueIds = new String[batchMessages];
        for (int i = 0; i < batchMessages; i++) {
            uniqueIds[i] = "7F0000010001B4C3A2E1F0D9C8B7A6" + String.format("%04d", i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        listedFrame.release();
        compactFrame.release();
    }

    private RemotingCommand answer(boolean compactIds) {
        return RemotingCommand.success().writeHeader(Responses.stored(stored, 3, null, compactIds));
    }

    private static ByteBuf frame(RemotingCommand response) {
        ByteBuf out = Unpooled.directBuffer(FrameCodec.maxEncodedBytes(response));
        FrameCodec.encode(response, 42, FrameLayout.FLAG_RESPONSE, out, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
        out.skipBytes(4);
        out.markReaderIndex();
        return out;
    }

    @Benchmark
    public int brokerListed() {
        return encode(answer(false));
    }

    @Benchmark
    public int brokerCompact() {
        return encode(answer(true));
    }

    @Benchmark
    public CompletableFuture<SendResult> clientListed() throws MalformedFrameException {
        return complete(listedFrame);
    }

    @Benchmark
    public CompletableFuture<SendResult> clientCompact() throws MalformedFrameException {
        return complete(compactFrame);
    }

    private static int encode(RemotingCommand response) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.maxEncodedBytes(response));
        try {
            FrameCodec.encode(response, 42, FrameLayout.FLAG_RESPONSE, out, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }

    private CompletableFuture<SendResult> complete(ByteBuf frame) throws MalformedFrameException {
        List<SendAccumulator.Entry> entries = new ArrayList<>(batchMessages);
        for (int i = 0; i < batchMessages; i++) {
            entries.add(new SendAccumulator.Entry(0, null, null, uniqueIds[i]));
        }
        frame.resetReaderIndex();
        int headerLength = frame.readInt();
        RemotingCommand response = FrameCodec.decode(frame, headerLength, frame.readableBytes() - headerLength);
        Headers.SendMessageResponse h = response.readHeader(Headers.SendMessageResponse.class);
        // as MessageSender.result makes a stored batch's result
        SendResult batch = h.recordBytes() != null
                ? SendResult.ofBatch(BatchMessageIds.parse(h.msgId(), h.recordBytes()), queue, h.queueOffset(),
                        SendStatus.SEND_OK, null)
                : new SendResult(h.msgId(), queue, h.queueOffset(), SendStatus.SEND_OK, null);
        SendAccumulator.complete(entries, batch, null);
        return entries.get(batchMessages - 1).result();
    }
}
