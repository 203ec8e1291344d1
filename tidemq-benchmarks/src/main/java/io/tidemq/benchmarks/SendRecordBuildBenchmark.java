package io.tidemq.benchmarks;

import io.tidemq.common.message.MessageProperties;
import io.tidemq.store.api.MessageRecord;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The broker's per-send record building from a producer's encoded properties (a unique key, keys and tags, as the
 * client sends them): {@code viaMap} is the path before the builder kept canonical encodings (decode into a map,
 * copy it into the builder, copy again and encode in {@code build}); {@code viaEncoded} is SendMessageProcessor's
 * path now. Run with
 * {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main SendRecordBuild}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SendRecordBuildBenchmark {

    private static final InetSocketAddress BORN = new InetSocketAddress("127.0.0.1", 40_123);
    private static final InetSocketAddress STORE = new InetSocketAddress("127.0.0.1", 10_911);

    private final String encoded = "UNIQ_KEY\u00017F00000100002A9F00000000012D4F80\u0002KEYS\u0001order-1234\u0002"
            + "TAGS\u0001created\u0002";
    private final byte[] body = new byte[1024];

    @Benchmark
    public MessageRecord viaMap() {
        return builder().properties(MessageProperties.decode(encoded)).body(body).build();
    }

    @Benchmark
    public MessageRecord viaEncoded() {
        return builder().encodedProperties(encoded).body(body).build();
    }

    private static MessageRecord.Builder builder() {
        return MessageRecord.builder("orders", 3).bornTimestampMs(1_764_000_000_000L).bornHost(BORN).storeHost(STORE);
    }
}
