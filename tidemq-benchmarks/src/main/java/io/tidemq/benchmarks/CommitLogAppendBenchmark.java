package io.tidemq.benchmarks;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.AppendLockType;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * ASYNC-mode appends of 1 KiB records through the whole store, comparing the two CommitLog append locks.
 * Run with different thread counts, e.g.:
 * <pre>
 * java -cp "tidemq-benchmarks/target/tidemq-benchmarks-0.1.0-SNAPSHOT.jar:tidemq-benchmarks/target/lib/*" \
 *     org.openjdk.jmh.Main CommitLogAppendBenchmark -t 1
 * </pre>
 * Each iteration writes to fresh page cache; the store directory is deleted at the end of the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class CommitLogAppendBenchmark {

    @Param({"SPIN", "REENTRANT"})
    public AppendLockType lockType;

    @Param({"1024"})
    public int bodyBytes;

    private Path dir;
    private DefaultMessageStore store;
    private MessageRecord record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("tidemq-bench-append");
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(256 * 1024 * 1024)
                .appendLockType(lockType)
                .keyIndexEnabled(false)
                .build());
        store.start();
        record = MessageRecord.builder("bench", 0)
                .body(new byte[bodyBytes])
                .tags("TagA")
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

    @Benchmark
    public PutResult append() {
        return store.putMessage(record).join();
    }
}
