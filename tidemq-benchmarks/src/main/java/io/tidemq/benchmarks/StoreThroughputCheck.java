package io.tidemq.benchmarks;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.AppendLockType;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A quick, rough check of the store's two headline numbers (not a JMH benchmark):
 * ASYNC appends/s of 1 KiB records from one thread, and records per fsync with 64 SYNC appenders.
 * <pre>
 * java -cp "tidemq-benchmarks/target/tidemq-benchmarks-0.1.0-SNAPSHOT.jar:tidemq-benchmarks/target/lib/*" \
 *     io.tidemq.benchmarks.StoreThroughputCheck [asyncRecords] [syncRecordsPerThread] [SPIN|REENTRANT]
 * </pre>
 */
public final class StoreThroughputCheck {

    private StoreThroughputCheck() {
    }

    public static void main(String[] args) throws Exception {
        int asyncRecords = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int syncPerThread = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        AppendLockType lock = args.length > 2 ? AppendLockType.valueOf(args[2]) : AppendLockType.REENTRANT;
        if (asyncRecords > 0) {
            asyncSingleThread(asyncRecords, lock);
        }
        if (syncPerThread > 0) {
            syncConcurrent(64, syncPerThread, lock);
        }
    }

    private static MessageRecord record() {
        return MessageRecord.builder("bench", 0).body(new byte[1024]).tags("TagA")
                .storeHost(new InetSocketAddress("127.0.0.1", 10911))
                .bornHost(new InetSocketAddress("127.0.0.1", 40000)).build();
    }

    private static void asyncSingleThread(int records, AppendLockType lock) throws IOException {
        Path dir = Files.createTempDirectory("tidemq-check-async");
        try (DefaultMessageStore store = new DefaultMessageStore(StoreConfig.builder(dir).keyIndexEnabled(false).appendLockType(lock).build())) {
            store.start();
            MessageRecord record = record();
            int warmup = Math.min(records / 5, 500_000);
            for (int i = 0; i < warmup; i++) {
                store.putMessage(record).join();
            }
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                store.putMessage(record).join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(lock + " ASYNC 1 thread, 1 KiB: %d appends in %.2f s = %.0f appends/s%n", records, seconds,
                    records / seconds);
        } finally {
            delete(dir);
        }
    }

    private static void syncConcurrent(int threads, int perThread, AppendLockType lock) throws Exception {
        Path dir = Files.createTempDirectory("tidemq-check-sync");
        try (DefaultMessageStore store = new DefaultMessageStore(StoreConfig.builder(dir).flushMode(FlushMode.SYNC)
                .keyIndexEnabled(false).appendLockType(lock).commitLogFileBytes(256 * 1024 * 1024).build())) {
            store.start();
            MessageRecord record = record();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.putMessage(record).join();
                    }
                }, command -> new Thread(command, "sync-appender").start()));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            double seconds = (System.nanoTime() - start) / 1e9;
            StoreStats stats = store.stats();
            System.out.printf(lock + " SYNC %d threads, 1 KiB: %d records in %.2f s = %.0f records/s, %d fsyncs,"
                            + " %.1f records per group commit%n", threads, threads * perThread, seconds,
                    threads * perThread / seconds, stats.commitLogFsyncs(), stats.recordsPerGroupCommit());
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
