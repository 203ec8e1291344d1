package io.tidemq.benchmarks;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How long a held long-polling pull waits for a message that was just stored (issue 10, "long polling"): from a
 * put on an idle ASYNC store to the arrival listener that wakes held pulls (PullRequestHoldService.onArrival),
 * i.e. the dispatcher's reaction time. The thread putting is the thread waiting, so one put is in flight at a time
 * and the dispatcher is idle before each. Run with
 * {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main ArrivalWakeup}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ArrivalWakeupBenchmark {

    private Path dir;
    private DefaultMessageStore store;
    private MessageRecord record;
    /** One past the last queue offset the arrival listener announced; written by the dispatch thread. */
    private volatile long arrived;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("tidemq-bench-arrival");
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(256 * 1024 * 1024)
                .keyIndexEnabled(false)
                .build());
        store.addArrivalListener((topic, queueId, maxOffset) -> arrived = maxOffset);
        store.start();
        record = MessageRecord.builder("wake", 0)
                .body(new byte[128])
                .storeHost(new InetSocketAddress("127.0.0.1", 10911))
                .bornHost(new InetSocketAddress("127.0.0.1", 40000))
                .build();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Put one message and wait until the arrival listener has announced it. */
    @Benchmark
    public long putToArrival() {
        long offset = store.putMessage(record).join().queueOffset();
        while (arrived <= offset) {
            Thread.onSpinWait();
        }
        return offset;
    }
}
