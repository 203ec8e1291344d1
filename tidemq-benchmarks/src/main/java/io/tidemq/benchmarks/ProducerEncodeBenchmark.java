package io.tidemq.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tidemq.client.remoting.SendBody;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.EncodedFields;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The producer's encode path for one sync send, from the prepared message to the frame bytes in a pooled
 * direct buffer (what the client's I/O thread writes to the socket):
 * <ul>
 *   <li>{@link #headerRecord}: before issue 10, each attempt wrote the {@code SendMessageRequest} record through
 *       the header codec into a field map (nine entries, numbers printed to strings), and the frame encoder then
 *       measured and UTF-8-encoded every key and value of the map;</li>
 *   <li>{@link #preparedPerMessage}: after, what a new message costs: its fields but the queue id encoded once
 *       ({@code PreparedSend.of}), then one attempt (copy plus queue id, frame encode);</li>
 *   <li>{@link #preparedPerAttempt}: a retry of a message already prepared.</li>
 * </ul>
 * and for a batch request of {@link #batchMessages} messages (what the async accumulator sends, 32 x 1 KiB in its
 * default 32 KiB; per request, divide by the messages for a message's share):
 * <ul>
 *   <li>{@link #batchThroughArray}: before issue 10's SendBody, the entries were encoded into an array of the batch's
 *       size and the frame encoder copied that array into the frame;</li>
 *   <li>{@link #batchWrittenIntoFrame}: after, the frame encoder writes the entries from the messages' own arrays
 *       straight into the frame ({@code SendBody.batch}).</li>
 * </ul>
 * Run with {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main
 * ProducerEncode -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ProducerEncodeBenchmark {

    @Param({"1024"})
    public int bodyBytes;

    @Param({"32"})
    public int batchMessages;

    private byte[] body;
    private String properties;
    private EncodedFields prepared;
    private int queueId;
    private EncodedFields preparedBatch;
    private int[] flags;
    private byte[][] bodies;
    private byte[][] batchProperties;
    private int batchBytes;

    @Setup
    public void setUp() {
        body = new byte[bodyBytes];
        // a typical producer message: a key and the unique id the SDK adds
        properties = "KEYS\u0001order-1234\u0002UNIQ_KEY\u00017F0000010001B4C3A2E1F0D9C8B7A60000\u0002";
        prepared = prepare(properties, 1_764_000_000_000L);
        preparedBatch = EncodedFields.builder(256).put("producerGroup", "order-service-producers").put("topic", "orders")
                .put("sysFlag", 0).put("bornTimestampMs", 1_764_000_000_000L).put("flag", 0).put("properties", "")
                .put("reconsumeTimes", 0).put("batch", true).build();
        flags = new int[batchMessages];
        bodies = new byte[batchMessages][];
        batchProperties = new byte[batchMessages][];
        for (int i = 0; i < batchMessages; i++) {
            bodies[i] = new byte[bodyBytes];
            batchProperties[i] = ("UNIQ_KEY\u00017F0000010001B4C3A2E1F0D9C8B7A6" + String.format("%04d", i) + "\u0002")
                    .getBytes(StandardCharsets.UTF_8);
            batchBytes += MessageCodec.batchEntryBytes(bodyBytes, batchProperties[i].length);
        }
    }

    private static EncodedFields prepare(String properties, long bornTimestampMs) {
        // sized as PreparedSend.of sizes it
        return EncodedFields.builder(8 * EncodedFields.asciiFieldBytes("bornTimestampMs", 20)
                        + "order-service-producers".length() + "orders".length() + properties.length())
                .put("producerGroup", "order-service-producers")
                .put("topic", "orders")
                .put("sysFlag", 0)
                .put("bornTimestampMs", bornTimestampMs)
                .put("flag", 0)
                .put("properties", properties)
                .put("reconsumeTimes", 0)
                .put("batch", false)
                .build();
    }

    @Benchmark
    public int headerRecord() {
        int q = nextQueue();
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("order-service-producers", "orders", q, 0,
                        1_764_000_000_000L + q, 0, properties, 0, false))
                .setBody(body);
        return encode(request);
    }

    @Benchmark
    public int preparedPerMessage() {
        int q = nextQueue();
        EncodedFields fields = prepare(properties, 1_764_000_000_000L + q);
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .withEncodedFields(fields.plus("queueId", q))
                .setBody(body);
        return encode(request);
    }

    @Benchmark
    public int preparedPerAttempt() {
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .withEncodedFields(prepared.plus("queueId", nextQueue()))
                .setBody(body);
        return encode(request);
    }

    @Benchmark
    public int batchThroughArray() {
        ByteBuffer array = ByteBuffer.allocate(batchBytes);
        for (int i = 0; i < batchMessages; i++) {
            MessageCodec.putBatchEntry(array, flags[i], bodies[i], batchProperties[i]);
        }
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .withEncodedFields(preparedBatch.plus("queueId", nextQueue()))
                .setBody(array.array());
        return encode(request);
    }

    @Benchmark
    public int batchWrittenIntoFrame() {
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .withEncodedFields(preparedBatch.plus("queueId", nextQueue()))
                .setBodyWriter(SendBody.batch(flags, bodies, batchProperties).writer());
        return encode(request);
    }

    private int nextQueue() {
        queueId = (queueId + 1) & 7;
        return queueId;
    }

    /** Allocate a pooled buffer, encode, release: what FrameEncoder does per frame (minus the socket write). */
    private static int encode(RemotingCommand request) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.maxEncodedBytes(request));
        try {
            FrameCodec.encode(request, 42, 0, out, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }
}
