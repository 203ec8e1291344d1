package io.tidemq.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tidemq.broker.wire.DeliveredEncoder;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.common.message.DeliveredRecords;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The two ends of a pull of {@value #BATCH} messages of one queue (issue 10, "one delivery format"): the broker
 * building the response body from the store, and the client turning that body into {@link MessageExt}s, each the
 * old way (decode to {@code StoredMessage}, re-encode with {@link DeliveredEncoder}, decode with
 * {@link MessageCodec#decodeDelivered}: still what the admin queries do) and the way a pull does it now (copy the
 * stored records, {@link DeliveredRecords#decode} them in place), and the client's network thread from the
 * response frame on: body copied to a {@code byte[]} first (before) or read where it lies (now). Scores are pulls
 * (32 messages each) per millisecond; add {@code -prof gc} for the bytes allocated per pull. Run with
 * {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main PullDelivery}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class PullDeliveryBenchmark {

    static final int BATCH = 32;
    static final int MESSAGES = 8192;
    static final String TOPIC = "bench";

    @Param({"1024"})
    public int bodyBytes;

    private Path dir;
    private DefaultMessageStore store;
    private final DeliveredEncoder encoder = new DeliveredEncoder();
    /** One response body of {@value #BATCH} messages in the delivered-message encoding. */
    private byte[] responseBody;
    /** The same messages as a pull sends them: their stored records. */
    private byte[] recordsBody;
    private long nextOffset;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("tidemq-bench-pull");
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(64 * 1024 * 1024)
                .keyIndexEnabled(false)
                .build());
        store.start();
        for (int i = 0; i < MESSAGES; i++) {
            store.putMessage(MessageRecord.builder(TOPIC, 0)
                    .body(new byte[bodyBytes])
                    .tags("TagA")
                    .keys("order-" + i)
                    .property(MessageConst.UNIQ_KEY, String.format("7F0000010000%020X", i))
                    .storeHost(new InetSocketAddress("127.0.0.1", 10911))
                    .bornHost(new InetSocketAddress("127.0.0.1", 40000 + (i & 7)))
                    .build()).join();
        }
        while (store.maxQueueOffset(TOPIC, 0) < MESSAGES) {
            Thread.onSpinWait(); // the dispatcher indexes the last puts
        }
        responseBody = brokerPullResponse();
        recordsBody = brokerPullRecords();
        frame();
    }

    /** A whole PULL_MESSAGE response frame of {@link #recordsBody} in a pooled direct buffer, as the client reads it. */
    private ByteBuf responseFrame;
    private int frameHeaderLength;
    private int frameBodyLength;

    private void frame() {
        responseFrame = PooledByteBufAllocator.DEFAULT.directBuffer(recordsBody.length + 256);
        FrameCodec.encode(RemotingCommand.success().writeHeader(new Headers.PullMessageResponse(BATCH, 0, MESSAGES))
                .setBody(recordsBody), 1, FrameLayout.FLAG_RESPONSE, responseFrame, Integer.MAX_VALUE);
        int totalLength = responseFrame.getInt(0);
        frameHeaderLength = responseFrame.getInt(FrameLayout.TOTAL_LENGTH_FIELD_BYTES);
        frameBodyLength = totalLength - FrameLayout.HEADER_LENGTH_FIELD_BYTES - frameHeaderLength;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        responseFrame.release();
        store.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The broker: read 32 records (CRC-checked) and build the PULL_MESSAGE response body. */
    @Benchmark
    public byte[] brokerPullResponse() {
        long offset = nextOffset;
        nextOffset = offset + BATCH >= MESSAGES ? 0 : offset + BATCH;
        GetResult r = store.getMessages(TOPIC, 0, offset, BATCH, 4 * 1024 * 1024, null);
        return encoder.encode(r.messages());
    }

    /** The client: decode one response body into the messages handed to the consumer. */
    @Benchmark
    public List<MessageExt> clientDecode() {
        return MessageCodec.decodeDelivered(ByteBuffer.wrap(responseBody));
    }

    /** The broker now: copy the 32 CRC-checked records as they are stored; that is the response body. */
    @Benchmark
    public byte[] brokerPullRecords() {
        long offset = nextOffset;
        nextOffset = offset + BATCH >= MESSAGES ? 0 : offset + BATCH;
        StoredRecords r = store.readRecords(TOPIC, 0, offset, BATCH, 4 * 1024 * 1024, null);
        return r.length() == r.bytes().length ? r.bytes() : Arrays.copyOf(r.bytes(), r.length());
    }

    /** The client now: the records decoded in place (structure checked, properties left encoded, body copied). */
    @Benchmark
    public List<MessageExt> clientDecodeRecords() {
        return DeliveredRecords.decode(recordsBody, TOPIC);
    }

    /**
     * The client's network thread before the in-place read: the response frame's body copied into a {@code byte[]}
     * ({@link FrameCodec#decode}), then each message's body copied out of it.
     */
    @Benchmark
    public List<MessageExt> clientFrameCopiedThenDecoded() throws Exception {
        responseFrame.readerIndex(FrameLayout.PREFIX_BYTES);
        RemotingCommand response = FrameCodec.decode(responseFrame, frameHeaderLength, frameBodyLength);
        return DeliveredRecords.decode(response.body(), TOPIC);
    }

    /**
     * The client's network thread now: the header decoded, the records read where they lie in the frame's buffer
     * ({@link DeliveredRecords#decodeCopying}), one copy of each message's body and properties.
     */
    @Benchmark
    public List<MessageExt> clientFrameDecodedInPlace() throws Exception {
        responseFrame.readerIndex(FrameLayout.PREFIX_BYTES);
        RemotingCommand response = FrameCodec.decodeHeader(responseFrame, frameHeaderLength, frameBodyLength);
        List<MessageExt> msgs = DeliveredRecords.decodeCopying(
                responseFrame.nioBuffer(responseFrame.readerIndex(), frameBodyLength).asReadOnlyBuffer(), TOPIC);
        return response.code() == 0 ? msgs : List.of();
    }

    /** The client now, reading one property of each message (what a tag-filtering consumer pays). */
    @Benchmark
    public int clientDecodeRecordsAndReadTag() {
        int found = 0;
        for (MessageExt m : DeliveredRecords.decode(recordsBody, TOPIC)) {
            found += m.tag() != null ? 1 : 0;
        }
        return found;
    }
}
