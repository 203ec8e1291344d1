package io.tidemq.cli;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreStats;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code tidemq bench store}: appends to a {@link DefaultMessageStore} in this JVM (no network, no broker) and
 * reports records/s, MB/s and put latency. Latency runs until the put's future completes, so in SYNC mode it
 * includes the group-commit fsync.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"Appends to a message store in this JVM (no network) and reports records/s, MB/s and put"
                + " latency (until the put is acknowledged: in SYNC mode that includes the fsync).",
                "The store lives in a fresh directory under --dir, deleted afterwards unless --keep."},
        footer = {"", "Examples:",
                "  tidemq bench store --threads 1 --size 1024 --seconds 15",
                "  tidemq bench store --flush sync --threads 64 --seconds 10"})
public final class BenchStoreCommand implements Callable<Integer> {

    static final String TOPIC = "bench-store";
    private static final long REPORT_INTERVAL_MS = 2_000;
    private static final double MB = 1_000_000.0;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "data/bench-store",
            description = "Where the run's store directory (run-*) is created (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--keep", description = "Keep the store directory after the run.")
    boolean keep;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Appending threads, each waiting for its put before the next (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "1024",
            description = "Message body size (default: ${DEFAULT-VALUE}).")
    int sizeBytes;

    /** How long the measured phase lasts. */
    static final class Duration {
        @Option(names = "--count", paramLabel = "N", description = "Measure N puts (over all threads).")
        Long count;

        @Option(names = "--seconds", paramLabel = "S", description = "Measure for S seconds (default: 10).")
        Integer seconds;
    }

    @ArgGroup(exclusive = true)
    Duration duration = new Duration();

    @Option(names = "--flush", paramLabel = "MODE", defaultValue = "async",
            description = "async (acknowledged in the page cache) or sync (after group-commit fsync)."
                    + " Default: ${DEFAULT-VALUE}.")
    FlushMode flush;

    @Option(names = "--file-size", paramLabel = "BYTES", defaultValue = "" + StoreConfig.DEFAULT_COMMIT_LOG_FILE_BYTES,
            description = "CommitLog file size (default: ${DEFAULT-VALUE}).")
    int fileSizeBytes;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2",
            description = "Unmeasured appending before the measurement, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--queues", paramLabel = "N", defaultValue = "8",
            description = "Queues of the bench topic; thread t writes queue t mod N (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--reuse-record",
            description = "Append one prebuilt message per thread instead of building one per put (the broker"
                    + " builds one per put; this isolates the store's own cost).")
    boolean reuseRecord;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path runDir = createRunDir();
        StoreConfig config = StoreConfig.builder(runDir).flushMode(flush).commitLogFileBytes(fileSizeBytes)
                .maxMessageBytes(Math.max(1, Math.min(sizeBytes, StoreConfig.DEFAULT_MAX_MESSAGE_BYTES))).build();
        Thread cleanup = new Thread(() -> deleteUnlessKept(runDir), "tidemq-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (DefaultMessageStore store = new DefaultMessageStore(config)) {
            store.start();
            out.printf(Locale.ROOT, "bench store: %s, %d thread(s), %d-byte bodies, %s, %d-byte CommitLog files, store at %s%n",
                    flush, threads, sizeBytes, duration.count != null ? duration.count + " puts"
                            : seconds() + " s", fileSizeBytes, runDir);
            out.flush();
            StoreBenchWriters writers = new StoreBenchWriters(store, TOPIC, queues, threads, sizeBytes,
                    duration.count == null ? 0 : duration.count, reuseRecord);
            BenchResult result = run(store, writers, out);
            long closeStartNs = System.nanoTime();
            store.close();
            result.print(out, flush, (System.nanoTime() - closeStartNs) / 1_000_000, writers.failures());
            return writers.failures() == 0 ? 0 : CliErrors.EXIT_FAILURE;
        } finally {
            deleteUnlessKept(runDir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; it deletes the same directory idempotently
            }
        }
    }

    private BenchResult run(DefaultMessageStore store, StoreBenchWriters writers, PrintWriter out)
            throws InterruptedException {
        Histogram interval = new Histogram(1, StoreBenchWriters.MAX_LATENCY_NS, 3);
        Histogram total = new Histogram(1, StoreBenchWriters.MAX_LATENCY_NS, 3);
        if (warmupSeconds == 0) {
            writers.measure();
        } else {
            long startNs = System.nanoTime();
            long warmupEndNs = startNs + warmupSeconds * 1_000_000_000L;
            writers.start();
            Progress warm = new Progress(store.stats(), startNs);
            while (System.nanoTime() < warmupEndNs) {
                writers.awaitFinished(Math.min(REPORT_INTERVAL_MS, Math.max(1, (warmupEndNs - System.nanoTime()) / 1_000_000)));
                interval.reset();
                writers.drainLatencies(interval);
                warm.report(out, "warm-up", store.stats(), interval, startNs);
            }
        }
        long measureStartNs = System.nanoTime();
        StoreStats first = store.stats();
        if (warmupSeconds == 0) {
            writers.start();
        } else {
            writers.measure();
            writers.drainLatencies(interval);
        }
        Progress progress = new Progress(first, measureStartNs);
        long deadlineNs = duration.count != null ? Long.MAX_VALUE : measureStartNs + seconds() * 1_000_000_000L;
        boolean done = false;
        while (!done) {
            long waitMs = Math.min(REPORT_INTERVAL_MS, Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000));
            done = writers.awaitFinished(waitMs) || System.nanoTime() >= deadlineNs;
            interval.reset();
            writers.drainLatencies(interval);
            total.add(interval);
            if (!done) {
                progress.report(out, "", store.stats(), interval, measureStartNs);
            }
        }
        long endNs = System.nanoTime();
        StoreStats last = store.stats();
        writers.stop();
        writers.awaitFinished(60_000);
        return new BenchResult(first, last, (endNs - measureStartNs) / 1e9, total);
    }

    private int seconds() {
        return duration.seconds == null ? 10 : duration.seconds;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (threads < 1 || threads > 4096) {
            throw new CommandLine.ParameterException(cl, "--threads must be in [1, 4096], was " + threads);
        }
        if (sizeBytes < 0 || sizeBytes > StoreConfig.DEFAULT_MAX_MESSAGE_BYTES) {
            throw new CommandLine.ParameterException(cl, "--size must be in [0, "
                    + StoreConfig.DEFAULT_MAX_MESSAGE_BYTES + "] bytes, was " + sizeBytes);
        }
        if (duration.count != null && duration.count < 1) {
            throw new CommandLine.ParameterException(cl, "--count must be at least 1, was " + duration.count);
        }
        if (duration.seconds != null && (duration.seconds < 1 || duration.seconds > 86_400)) {
            throw new CommandLine.ParameterException(cl, "--seconds must be in [1, 86400], was " + duration.seconds);
        }
        if (warmupSeconds < 0 || warmupSeconds > 3_600) {
            throw new CommandLine.ParameterException(cl, "--warmup-seconds must be in [0, 3600], was " + warmupSeconds);
        }
        if (queues < 1 || queues > 1024) {
            throw new CommandLine.ParameterException(cl, "--queues must be in [1, 1024], was " + queues);
        }
    }

    private Path createRunDir() {
        try {
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, "run-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a store directory under " + dir.toAbsolutePath() + ": "
                    + e.getMessage() + "; pass a writable --dir", e);
        }
    }

    private void deleteUnlessKept(Path runDir) {
        if (keep || !Files.exists(runDir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(runDir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("warning: could not delete " + runDir + ": " + e.getMessage());
        }
    }

    /** One progress line every {@value #REPORT_INTERVAL_MS} ms: the rates since the previous line. */
    private static final class Progress {
        private StoreStats previous;
        private long previousNs;

        Progress(StoreStats first, long startNs) {
            this.previous = first;
            this.previousNs = startNs;
        }

        void report(PrintWriter out, String label, StoreStats now, Histogram latencies, long phaseStartNs) {
            long nowNs = System.nanoTime();
            double seconds = Math.max(1e-9, (nowNs - previousNs) / 1e9);
            double records = (now.appendedRecords() - previous.appendedRecords()) / seconds;
            double mb = (now.appendedBytes() - previous.appendedBytes()) / seconds / MB;
            out.printf(Locale.ROOT, "[%6.1f s] %s%,12.0f records/s %8.1f MB/s  p50 %s  p99 %s  max %s µs%n",
                    (nowNs - phaseStartNs) / 1e9, label.isEmpty() ? "" : label + " ", records, mb,
                    micros(latencies, 50), micros(latencies, 99), latencies.getTotalCount() == 0 ? "-"
                            : String.valueOf(latencies.getMaxValue() / 1_000));
            out.flush();
            previous = now;
            previousNs = nowNs;
        }
    }

    static String micros(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        double us = h.getValueAtPercentile(percentile) / 1_000.0;
        return us < 10 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%.0f", us);
    }

    /** The measured phase's figures. */
    record BenchResult(StoreStats first, StoreStats last, double seconds, Histogram latencies) {

        long records() {
            return last.appendedRecords() - first.appendedRecords();
        }

        void print(PrintWriter out, FlushMode flush, long closeMs, long failures) {
            long records = records();
            long bytes = last.appendedBytes() - first.appendedBytes();
            out.printf(Locale.ROOT, "records: %,d in %.2f s = %,.0f records/s%n", records, seconds, records / seconds);
            out.printf(Locale.ROOT, "throughput: %.1f MB/s of CommitLog data (%,d bytes, MB = 10^6 bytes)%n",
                    bytes / seconds / MB, bytes);
            out.printf(Locale.ROOT, "put latency (µs): p50 %s  p99 %s  p99.9 %s  max %s  (%,d samples)%n",
                    micros(latencies, 50), micros(latencies, 99), micros(latencies, 99.9),
                    micros(latencies, 100), latencies.getTotalCount());
            if (flush == FlushMode.SYNC) {
                long fsyncs = last.commitLogFsyncs() - first.commitLogFsyncs();
                long groups = last.groupCommits() - first.groupCommits();
                long synced = last.syncFlushedRecords() - first.syncFlushedRecords();
                out.printf(Locale.ROOT, "fsyncs: %,d (%,.0f/s), records per fsync: %.1f%n", fsyncs, fsyncs / seconds,
                        groups == 0 ? 0.0 : (double) synced / groups);
            }
            out.printf(Locale.ROOT, "close (final flush) took %d ms; put failures: %d%n", closeMs, failures);
            out.flush();
        }
    }
}
